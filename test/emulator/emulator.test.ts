import { describe, expect, it } from "vitest";
import { LogAnalyticsEmulator, parseInterval } from "../../tools/emulator/emulator.js";
import { fixedDelays } from "../../tools/emulator/ingestion.js";
import { azureDiagnosticsAudit } from "../../tools/emulator/records/key-vault.js";
import { LogStore } from "../../tools/emulator/store.js";
import { emulatedSignals } from "../harness/emulated-source.js";
import { KEY } from "../fixtures/incidents.js";

/** The query endpoint's answers as the service gives them: limits, errors, ingestion, timeouts. */

const NOW = new Date("2026-11-20T02:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);
const DAY = `${min(-1440).toISOString()}/${NOW.toISOString()}`;

function store(records = 10): LogStore {
  const s = new LogStore({ delays: fixedDelays(2) });
  for (let i = 0; i < records; i++)
    s.add(
      "AzureDiagnostics",
      azureDiagnosticsAudit({ at: min(-30 + i), ...KEY, operation: "SecretGet", status: 200 }),
      { count: 3 },
    );
  return s;
}

type Body = {
  tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[];
  error?: { code: string; details?: { innererror: { code: string } }[] };
};

describe("the emulated query endpoint", () => {
  it("answers in the REST shape, with datetimes as ISO text and dynamic values as JSON text", () => {
    const e = new LogAnalyticsEmulator(store(1));
    const a = e.answer(
      'AzureDiagnostics | project TimeGenerated, B = bag_pack("status", toint(httpStatusCode_d)) | take 1',
      DAY,
    );
    expect(a.status).toBe(200);
    const t = (a.body as Body).tables[0]!;
    expect(t.columns).toEqual([
      { name: "TimeGenerated", type: "datetime" },
      { name: "B", type: "dynamic" },
    ]);
    expect(t.rows).toEqual([[min(-30).toISOString(), '{"status":200}']]);
  });

  it("expands a record's multiplicity in rows it returns, up to the row limit, then answers partially", () => {
    const e = new LogAnalyticsEmulator(store(4), { limits: { maxRows: 10, maxResponseBytes: 1 << 30 } });
    const a = e.answer("AzureDiagnostics | project TimeGenerated", DAY);
    const body = a.body as Body;
    expect(a.status).toBe(200);
    expect(body.tables[0]!.rows).toHaveLength(10);
    expect(body.error?.code).toBe("PartialError");
    expect(body.error?.details?.[0]?.innererror.code).toBe("E_QUERY_RESULT_SET_TOO_LARGE");
  });

  it("cuts an answer past the size limit, as a partial answer", () => {
    const e = new LogAnalyticsEmulator(store(10), { limits: { maxRows: 500_000, maxResponseBytes: 2_000 } });
    const a = e.answer("AzureDiagnostics | project TimeGenerated, ResultDescription, requestUri_s", DAY);
    const body = a.body as Body;
    expect(body.error?.code).toBe("PartialError");
    expect(JSON.stringify(body.tables).length).toBeLessThanOrEqual(2_000);
    expect(body.tables[0]!.rows.length).toBeGreaterThan(0);
  });

  it("refuses a query on a table the workspace does not have, and a query that does not parse", () => {
    const e = new LogAnalyticsEmulator(store(1));
    const missing = e.answer("AZKVAuditLogs | count", DAY);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: "BadArgumentError", innererror: { code: "SemanticError" } } });
    const broken = e.answer("AzureDiagnostics | where", DAY);
    expect(broken.body).toMatchObject({ error: { innererror: { code: "SyntaxError" } } });
    const unsupported = e.answer("AzureDiagnostics | mv-expand AdditionalFields", DAY);
    expect(unsupported.body).toMatchObject({
      error: { innererror: { code: "UnsupportedError", message: expect.stringContaining("mv-expand") } },
    });
  });

  it("sees only what is ingested by its clock, and only inside the request's timespan", () => {
    const s = store(10); // at -30 … -21 minutes, ingested two minutes later
    const count = (now: Date, timespan: string) => {
      const a = new LogAnalyticsEmulator(s, { now: () => now }).answer("AzureDiagnostics | count", timespan);
      return (a.body as Body).tables[0]!.rows[0]![0];
    };
    expect(count(min(-25), `${min(-60).toISOString()}/${min(-25).toISOString()}`)).toBe(3 * 4); // -30 … -27 ingested by -25
    expect(count(NOW, DAY)).toBe(30);
    expect(count(NOW, `${min(-25).toISOString()}/${NOW.toISOString()}`)).toBe(3 * 5); // -25 … -21
    expect(count(NOW, "PT10M")).toBe(0);
  });

  it("reads the timespan forms the SDK sends", () => {
    expect(parseInterval("2026-11-20T01:00:00.000Z/2026-11-20T02:00:00.000Z", NOW)).toEqual({
      from: min(-60).getTime(),
      to: NOW.getTime(),
    });
    expect(parseInterval("P1D/2026-11-20T02:00:00.000Z", NOW)).toEqual({
      from: min(-1440).getTime(),
      to: NOW.getTime(),
    });
    expect(parseInterval("2026-11-20T01:00:00.000Z/PT1H", NOW)).toEqual({
      from: min(-60).getTime(),
      to: NOW.getTime(),
    });
    expect(parseInterval("PT5M", NOW)).toEqual({ from: min(-5).getTime(), to: NOW.getTime() });
    expect(parseInterval("yesterday", NOW)).toBeUndefined();
  });

  it("times a query out past its Prefer: wait, as GatewayTimeout, counting rows rather than seconds", () => {
    const e = new LogAnalyticsEmulator(store(10), { scanRowsPerSecond: 2 });
    expect(e.answer("AzureDiagnostics | count", DAY, { waitSeconds: 4 }).status).toBe(504);
    expect(e.answer("AzureDiagnostics | count", DAY, { waitSeconds: 4 }).body).toMatchObject({
      error: { code: "GatewayTimeout" },
    });
    expect(e.answer("AzureDiagnostics | count", DAY, { waitSeconds: 5 }).status).toBe(200);
  });
});

describe("a server timeout seen by the monitor", () => {
  it("fails the workspace's signals with the service's reason, and says none of them is ok", async () => {
    const s = store(10);
    s.declare("AzureActivity");
    const set = await emulatedSignals(s, {
      config: { appInsights: { mode: "none" }, sloPeriods: [] },
      scanRowsPerSecond: 1,
      serverTimeoutSeconds: 5,
    }).fetch(NOW);
    const kv = set.signals["kv-requests"];
    expect(kv.status).toBe("failed");
    expect(kv.problem).toMatch(/timeout/i);
  });
});

describe("a datetime literal no date can be", () => {
  it("is refused as a bad query, naming the literal, instead of failing the endpoint", () => {
    const a = new LogAnalyticsEmulator(store(1)).answer(
      "AzureDiagnostics | where TimeGenerated > datetime(2026-13-45) | count",
      DAY,
    );
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ error: { innererror: { message: expect.stringContaining("2026-13-45") } } });
  });
});
