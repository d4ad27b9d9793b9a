import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { scrubSample } from "../../src/core/common/scrub.js";
import { allStories } from "../../tools/bench/corpus/corpus.js";
import { convertV1Value, main } from "../../tools/scenario/convert-v1.js";
import { SCENARIO_FORMAT_V1, ScenarioFileV1 } from "../../tools/scenario/format-v1.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { signalRows, type BinSignal } from "../../tools/scenario/signal-rows.js";
import {
  CANONICAL_LISTENER_CAUSE,
  CANONICAL_TRACE,
  hasAuthHint,
  listenerCause,
  traceClassOf,
  type ErrorClass,
} from "../../tools/scenario/v1-mapping.js";
import { v1Rows } from "../../tools/scenario/v1-rows.js";
import { listenerHostMessage } from "../../tools/scenario/record-kinds.js";
import { listenerFailure } from "../../tools/emulator/records/function-app-logs.js";
import { at, kvClassOf, load, ms, problemsOf, recordsOf, tally, v1 } from "./fixtures.js";

/** Scenario format v1 still loads: each signal row becomes the raw records it stands for (docs/scenarios.md, "Reading v1 files"). */

const MINUTE = 60_000;
const FIXTURE = "test/scenarios/v1/rbac-removal.json";
const kvRow = (counts: Record<string, number>) => ({ series: "orders", counts });

describe("a v1 row becomes raw records", () => {
  it("kv-requests: one Key Vault audit record per count, at the bin's start, queryable the delay after the bin ends", () => {
    const counts = {
      total: 40,
      succeeded: 5,
      unauthorized: 1,
      forbiddenRbac: 2,
      forbiddenPolicy: 3,
      forbiddenFirewall: 4,
      forbiddenOther: 6,
      throttled: 7,
      other: 8,
    };
    const world = load(v1([{ at: at("01:00"), "kv-requests": [kvRow(counts)] }]));
    const kv = recordsOf(world, "AzureDiagnostics");
    // The 4 requests of `total` beyond the named counts are taken as succeeded; `other` is a 404.
    expect(
      tally(
        kv,
        (r) => kvClassOf(r.record),
        (r) => r.count,
      ),
    ).toEqual({
      "200": 9,
      "401": 1,
      "403 rbac": 2,
      "403 policy": 3,
      "403 firewall": 4,
      "403 other": 6,
      "429": 7,
      "404": 8,
    });
    for (const r of kv) {
      expect(r.record.TimeGenerated).toBe(at("01:00"));
      expect(r.ingestedAt).toBe(ms("01:08"));
    }
  });

  it("kv-requests: into the row's own table, AZKVAuditLogs too", () => {
    const s = v1([{ at: at("01:00"), "kv-requests": [kvRow({ forbiddenRbac: 3 })] }], {
      workspace: { tables: ["AZKVAuditLogs"], ingestionDelayMinutes: 5 },
    });
    (s.series!.orders!.dims as { source: string }).source = "AZKVAuditLogs";
    const world = load(s);
    const kv = recordsOf(world, "AZKVAuditLogs");
    expect(kv.map((r) => [kvClassOf(r.record), r.count, (r.ingestedAt - ms("01:05")) / MINUTE])).toEqual([
      ["403 rbac", 3, 5],
    ]);
    expect(world.workspace.tables).toEqual(["AZKVAuditLogs"]);
  });

  it("a repeated entry: the same records in every bin, written as one v2 entry", () => {
    const s = v1([{ at: at("00:00"), until: at("01:00"), "kv-requests": [kvRow({ succeeded: 60 })] }]);
    const converted = convertV1Value(s, "scenario", { withoutRoutineActivity: true });
    expect(converted.records).toEqual([
      {
        template: "orders",
        status: 200,
        at: "2026-03-02T00:00:00Z",
        every: 5,
        until: "2026-03-02T01:00:00Z",
        count: 60,
      },
    ]);
    expect(converted.templates?.orders).toMatchObject({
      kind: "kv-audit",
      table: "AzureDiagnostics",
      operation: "SecretGet",
      ingestionDelayMinutes: 8,
    });
    expect(recordsOf(load(s), "AzureDiagnostics").map((r) => r.count)).toEqual(Array(12).fill(60));
  });

  it("dependency-calls: AppDependencies records whose result code the query classifies as the count", () => {
    const dims = {
      appRoleName: "func-orders",
      target: "kv-orders-prod.vault.azure.net",
      dependencyType: "Azure Key Vault",
      targetKind: "keyvault" as const,
    };
    const world = load(
      v1(
        [
          {
            at: at("01:00"),
            "dependency-calls": [
              {
                dims,
                counts: {
                  succeeded: 9,
                  unauthorized: 1,
                  forbidden: 2,
                  throttled: 3,
                  timeouts: 4,
                  connectionFailures: 5,
                  serverErrors: 6,
                  otherFailures: 7,
                },
              },
            ],
          },
        ],
        { workspace: { tables: ["AppDependencies"] } },
      ),
    );
    const deps = recordsOf(world, "AppDependencies");
    expect(
      tally(
        deps,
        (r) => `${r.record.ResultCode} ${r.record.Success}`,
        (r) => r.count,
      ),
    ).toEqual({
      "200 true": 9,
      "401 false": 1,
      "403 false": 2,
      "429 false": 3,
      "408 false": 4,
      "0 false": 5,
      "500 false": 6,
      "404 false": 7,
    });
    expect(deps[0]!.record).toMatchObject({
      AppRoleName: "func-orders",
      Target: dims.target,
      DependencyType: "Azure Key Vault",
    });
    const rows = signalRows(world.logs, "dependency-calls", {
      from: new Date(ms("01:00")),
      to: new Date(ms("01:05")),
      now: new Date(ms("02:00")),
    });
    expect(rows.map((r) => r.counts)).toEqual([
      {
        total: 37,
        succeeded: 9,
        unauthorized: 1,
        forbidden: 2,
        throttled: 3,
        timeouts: 4,
        connectionFailures: 5,
        serverErrors: 6,
        otherFailures: 7,
      },
    ]);
  });

  it("credential-traces: AppTraces records with the row's sample when the query puts it in the row's class, else a canonical message", () => {
    const trace = (errorClass: ErrorClass, sample: string, events: number) => ({
      dims: { appRoleName: "func-notify", errorClass },
      counts: { events },
      sample,
    });
    const fits = "ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.";
    const world = load(
      v1(
        [
          {
            at: at("01:00"),
            "credential-traces": [
              trace("mi-unavailable", fits, 3),
              trace("invalid-audience", "token request failed", 2),
              trace("chain-exhausted", "", 1),
            ],
          },
        ],
        { workspace: { tables: ["AppTraces"] } },
      ),
    );
    expect(
      tally(
        recordsOf(world, "AppTraces"),
        (r) => String(r.record.Message),
        (r) => r.count,
      ),
    ).toEqual({
      [fits]: 3,
      [CANONICAL_TRACE["invalid-audience"]]: 2,
      [CANONICAL_TRACE["chain-exhausted"]]: 1,
    });
    for (const [c, message] of Object.entries(CANONICAL_TRACE)) expect(traceClassOf(message), c).toBe(c);
  });

  it("host-startup: listener failures whose text hints at auth exactly when the row is auth-related", () => {
    const host = "The listener for function 'Functions.PaymentsQueueTrigger' was unable to start.";
    const startup = (authRelated: boolean, sample: string) => ({
      dims: { appName: "func-payments", functionName: "PaymentsQueueTrigger", authRelated },
      counts: { events: 1 },
      sample,
    });
    // One row per bin: rows with the same dims in one bin add up (and keep the first sample), as in v1.
    const rows = [
      startup(true, `${host} Azure.Identity: ManagedIdentityCredential authentication failed.`),
      startup(true, `${host} The connection was reset.`),
      startup(false, `${host} Put token failed. status-code: 403`),
    ];
    const world = load(
      v1(
        rows.map((row, k) => ({ at: at(["01:00", "01:05", "01:10"][k]!), "host-startup": [row] })),
        { workspace: { tables: ["FunctionAppLogs"] } },
      ),
    );
    const logs = recordsOf(world, "FunctionAppLogs").map((r) => `${r.record.Message} ${r.record.ExceptionMessage}`);
    expect(logs.sort()).toEqual(
      [
        `${host} Azure.Identity: ManagedIdentityCredential authentication failed.`,
        `${host} ${CANONICAL_LISTENER_CAUSE.auth}`,
        `${host} ${CANONICAL_LISTENER_CAUSE.other}`,
      ].sort(),
    );
    expect(logs.map(hasAuthHint).sort()).toEqual([false, true, true]);
  });

  it("activity: a Start and a Success record, queryable the workspace's delay after the change", () => {
    const world = load(
      v1([], {
        activity: [
          {
            at: at("01:00"),
            operation: "Microsoft.KeyVault/vaults/write",
            scope:
              "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a",
            caller: "x@contoso.com",
          },
        ],
        workspace: { ingestionDelayMinutes: 4 },
      }),
    );
    const events = recordsOf(world, "AzureActivity").filter((r) =>
      /vaults\/write/i.test(String(r.record.OperationNameValue)),
    );
    expect(events.map((r) => r.record.ActivityStatusValue)).toEqual(["Start", "Success"]);
    for (const r of events) expect(r.ingestedAt - Date.parse(String(r.record.TimeGenerated))).toBe(4 * MINUTE);
    expect(world.activity.map((a) => a.at.getTime())).toEqual([ms("01:00")]);
  });

  it("keeps AzureActivity present with routine events from a day before the start, as a subscription's log is", () => {
    const world = load(v1([]));
    const routine = recordsOf(world, "AzureActivity");
    expect(routine.length).toBeGreaterThan(0);
    expect(routine.every((r) => /listKeys\/action$/i.test(String(r.record.OperationNameValue)))).toBe(true);
    expect(Math.min(...routine.map((r) => Date.parse(String(r.record.TimeGenerated))))).toBeLessThanOrEqual(
      world.start.getTime() - 18 * 60 * MINUTE,
    );
    expect(world.activity).toEqual([]);
  });

  it("declares workspace.tables that have no rows, so the tables still exist", () => {
    const world = load(v1([], { workspace: { tables: ["AzureDiagnostics", "AzureActivity", "AppRequests"] } }));
    expect(world.workspace.tables.sort()).toEqual(["AppRequests", "AzureActivity", "AzureDiagnostics"]);
    expect(world.format).toBe(SCENARIO_FORMAT_V1);
  });

  it("names a v1 file's problems by its own JSON paths", () => {
    const problems = problemsOf(v1([{ at: at("01:02"), "kv-requests": [kvRow({ succeeded: -1 })] }]));
    expect(problems).toContain(
      '$.timeline[0]["kv-requests"][0].counts.succeeded: expected a non-negative whole number',
    );
    expect(problemsOf(v1([{ at: at("01:02"), "kv-requests": [kvRow({ succeeded: 1 })] }]))).toEqual([
      "$.timeline[0].at: expected the start of a 5-minute bin (minutes divisible by 5, no seconds)",
    ]);
  });
});

describe("the v1 fixture", () => {
  const text = readFileSync(FIXTURE, "utf8");

  it("is a v1 file, and still loads", () => {
    expect(JSON.parse(text).format).toBe(SCENARIO_FORMAT_V1);
    const { world, truth } = parseScenario(text, FIXTURE);
    expect(world.format).toBe(SCENARIO_FORMAT_V1);
    expect(truth?.incidents.map((i) => i.hypothesis)).toEqual(["H2"]);
    const denied = recordsOf(world, "AzureDiagnostics").filter((r) => kvClassOf(r.record) === "403 rbac");
    const written = JSON.parse(text).timeline.flatMap(
      (e: { "kv-requests"?: { counts: { forbiddenRbac?: number } }[] }) =>
        (e["kv-requests"] ?? []).map((r) => r.counts.forbiddenRbac ?? 0),
    );
    expect(denied.reduce((n, r) => n + r.count, 0)).toBe(written.reduce((a: number, b: number) => a + b, 0));
  });

  it("converts with the CLI to a v2 file that loads to the same records", () => {
    let out = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    expect(main([FIXTURE])).toBe(0);
    write.mockRestore();
    const converted = JSON.parse(out) as { format: string };
    expect(converted.format).toBe("vaultwatch/scenario/v2");
    const direct = parseScenario(text, FIXTURE).world;
    const viaCli = parseScenario(out, "converted.json").world;
    for (const table of ["AzureDiagnostics", "AzureActivity"])
      expect(recordsOf(viaCli, table), table).toEqual(recordsOf(direct, table));
    expect(viaCli.controlPlane).toEqual(direct.controlPlane);
  });

  it("the CLI refuses a file that is not a valid v1 scenario, naming the problem", () => {
    let err = "";
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    expect(main(["test/scenarios/healthy-week.json"])).toBe(2);
    write.mockRestore();
    expect(err).toContain('$.format: expected "vaultwatch/scenario/v1"');
  });

  afterEach(() => vi.restoreAllMocks());
});

const SIGNALS: BinSignal[] = ["kv-requests", "dependency-calls", "credential-traces", "host-startup"];

/** What the host-startup query samples of a listener failure: the wrapped exception chain, after the host's own message. */
function causeOf(r: { dims: Record<string, unknown>; sample?: string }): string {
  const [app, fn] = [String(r.dims.appName), String(r.dims.functionName)];
  const host = listenerHostMessage(app, fn);
  const record = listenerFailure(
    new Date(0),
    app,
    fn,
    listenerCause(r.sample ?? "", host, r.dims.authRelated === true),
  );
  return String(record.ExceptionDetails).split(" ---> ").slice(1).join(" ---> ").slice(0, 400);
}
const key = (r: { binStart: Date; dims: unknown }) => `${r.binStart.toISOString()} ${JSON.stringify(r.dims)}`;

/**
 * The conversion's test: the monitor's own queries, run by the evaluator over the converted
 * records, return the rows the v1 file wrote, for every story in the corpus (its traffic as the
 * generator models it, before the extras a v2 corpus file adds). One difference is Azure's, not
 * the conversion's: FunctionAppLogs has no FunctionName on a listener failure, and the query
 * reads the name from the host's message, which writes it `Functions.<name>`.
 */
type KvCountsV1 = { forbiddenOther: number; other: number } & Record<string, number>;

/**
 * v1's `forbiddenOther` becomes Key Vault's disabled-secret 403 (tools/scenario/v1-mapping.ts): the
 * object's state refused the call, not the caller's access, so the query counts it with `other`
 * (queries/signals/kv-requests.ts, Refusal "state") and it reads back there.
 */
function stateRefusalsAsOther(c: KvCountsV1): KvCountsV1 {
  return c.forbiddenOther === 0 ? c : { ...c, other: c.other + c.forbiddenOther, forbiddenOther: 0 };
}

describe("the monitor's queries read the v1 rows back from the converted records", () => {
  it.each(allStories().map((s) => [s.v1.name, s.v1] as const))("%s", (name, input) => {
    const world = parseScenario(JSON.stringify(input), name).world;
    const { bins } = v1Rows(ScenarioFileV1.parse(input), () => undefined);
    const starts = [...bins.keys()].sort((a, b) => a - b);
    const range = { from: new Date(starts[0]!), to: new Date(starts.at(-1)! + 5 * MINUTE), now: new Date(8.64e15) };
    for (const signal of SIGNALS) {
      const want = [...bins.values()]
        .flatMap(
          (b) => b[signal] as { binStart: Date; dims: Record<string, unknown>; counts: unknown; sample?: string }[],
        )
        .map((r) => ({
          ...r,
          ...(signal === "kv-requests" ? { counts: stateRefusalsAsOther(r.counts as KvCountsV1) } : {}),
          dims: signal === "host-startup" ? { ...r.dims, functionName: `Functions.${r.dims.functionName}` } : r.dims,
          ...(r.sample !== undefined ? { sample: scrubSample(signal === "host-startup" ? causeOf(r) : r.sample) } : {}),
        }));
      const got = signalRows(world.logs, signal, range);
      const byKey = (rows: { binStart: Date; dims: unknown }[]) => new Map(rows.map((r) => [key(r), r]));
      expect(byKey(got), `${name} ${signal}`).toEqual(byKey(want));
    }
  });
});
