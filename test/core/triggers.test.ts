import { describe, expect, it } from "vitest";
import { evaluate, groupSeries } from "../../src/core/evaluate.js";
import { decideTick } from "../../src/core/tick.js";
import { parseMonitorSpec, type MonitorSpec } from "../../src/core/spec/monitor-spec.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { WINDOW_NAMES } from "../../src/core/slo/windows.js";
import type { WindowCounts } from "../../src/core/slo/burn-rate.js";
import { aBin, aPolicy, at, KEY } from "../fixtures/incidents.js";

function spec(o: object): MonitorSpec {
  const r = parseMonitorSpec(JSON.stringify({ apiVersion: "vaultwatch/v1", ...o }));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.spec;
}
const ORDERS_SLO = {
  slos: [{ name: "app-secrets", kind: "identity-vault", identity: "id-app", vault: "kv-app", objective: 99.9 }],
};

/** Window sums at `ratio` errors and `perMinute` requests, for KEY. */
function sloRow(ratio: number, perMinute = 100): SignalRow<"slo-windows"> {
  const minutes = { "5m": 5, "30m": 30, "1h": 60, "2h": 120, "6h": 360, "1d": 1440, "3d": 4320 } as const;
  const counts = Object.fromEntries(
    WINDOW_NAMES.flatMap((w) => [
      [`total${w}`, minutes[w] * perMinute],
      [`bad${w}`, Math.round(minutes[w] * perMinute * ratio)],
    ]),
  );
  return {
    binStart: at(15),
    dims: {
      subject: "identity-vault",
      vaultResourceId: KEY.vaultResourceId,
      callerObjectId: KEY.callerObjectId,
      callerAppId: KEY.callerAppId,
      callerResourceId: KEY.callerResourceId,
      source: "AzureDiagnostics",
    },
    counts: counts as SignalRow<"slo-windows">["counts"],
  };
}

const series = groupSeries([
  aBin(5, { succeeded: 970, forbidden: 30 }),
  aBin(10, { succeeded: 970, forbidden: 30 }),
])[0]!;
const sloCounts = (ratio: number) => ({
  spec: { name: "app-secrets", objective: 99.9, periodDays: 30 },
  windows: Object.fromEntries(
    WINDOW_NAMES.map((w) => [w, { bad: sloRow(ratio).counts[`bad${w}`], total: sloRow(ratio).counts[`total${w}`] }]),
  ) as WindowCounts,
  period: undefined,
});

describe("what makes a finding fire", () => {
  it("an SLO tier burning over both windows, with the pair, burns and budget as evidence", () => {
    const ev = evaluate("kv-auth-denied", series, at(15), aPolicy({ minFailures: 1000, spec: spec(ORDERS_SLO) }), {
      slo: sloCounts(0.03),
    });
    expect(ev.kind).toBe("firing");
    if (ev.kind !== "firing") return;
    expect(ev.triggers).toEqual([
      expect.objectContaining({
        kind: "slo",
        slo: "app-secrets",
        tier: "page-fast",
        longWindow: "1h",
        shortWindow: "5m",
        burnThreshold: expect.closeTo(14.4, 6),
        longBurn: expect.closeTo(30, 6),
      }),
    ]);
    expect(ev.severityReason).toBe("the error budget is burning at a paging rate");
  });

  it("a warm baseline that calls the window normal keeps the static floor quiet", () => {
    const ev = evaluate("kv-auth-denied", series, at(15), aPolicy({ minFailurePercent: 1 }), {
      baseline: { kind: "normal", text: "usual for Tuesdays 01:00" },
    });
    expect(ev.kind).not.toBe("firing");
  });

  it("a baseline that calls the window anomalous fires even under the static floor", () => {
    const ev = evaluate("kv-auth-denied", series, at(15), aPolicy({ minFailurePercent: 50 }), {
      baseline: {
        kind: "anomalous",
        expectedRatio: 0.001,
        observedRatio: 0.03,
        pValue: 1e-9,
        text: "3% vs a usual 0.1%",
      },
    });
    expect(ev.kind === "firing" && ev.triggers.map((t) => t.kind)).toEqual(["baseline"]);
  });

  it("a cold baseline falls back to the static floor, and says the baseline was cold", () => {
    const ev = evaluate("kv-auth-denied", series, at(15), aPolicy({ minFailurePercent: 1 }), {
      baseline: { kind: "cold", reason: "2 days of history; 3 needed" },
    });
    expect(ev.kind === "firing" && ev.triggers).toEqual([
      { kind: "threshold", failures: 60, failurePercent: expect.closeTo(3, 6), baseline: "cold" },
    ]);
  });
});

describe("SLO reports", () => {
  it("evaluate app→dependency SLOs from their window sums, summing the app's targets", () => {
    const dep = (target: string, bad: number): SignalRow<"slo-windows"> => ({
      binStart: at(15),
      dims: { subject: "app-dependency", appRoleName: "func-orders", targetKind: "storage", target },
      counts: Object.fromEntries(
        WINDOW_NAMES.flatMap((w) => [
          [`total${w}`, 1000],
          [`bad${w}`, bad],
        ]),
      ) as SignalRow<"slo-windows">["counts"],
    });
    const d = decideTick({
      now: at(15),
      signal: { status: "complete", rows: [] },
      incidents: [],
      policy: aPolicy({
        spec: spec({
          slos: [
            {
              name: "orders-storage",
              kind: "app-dependency",
              app: "func-orders",
              targetKind: "storage",
              objective: 99.5,
            },
          ],
        }),
      }),
      sloWindows: [dep("st1.blob.core.windows.net", 120), dep("st2.blob.core.windows.net", 130)],
    });
    expect(d.slos).toEqual([
      expect.objectContaining({
        name: "orders-storage",
        status: "firing",
        evaluation: expect.objectContaining({
          fired: expect.objectContaining({ tier: "page-fast", longBurn: expect.closeTo(25, 6) }),
        }),
      }),
    ]);
  });

  it("say no-signal, not healthy, when the SLO signal did not answer", () => {
    const d = decideTick({
      now: at(15),
      signal: { status: "complete", rows: [] },
      incidents: [],
      policy: aPolicy({ spec: spec(ORDERS_SLO) }),
    });
    expect(d.slos).toEqual([expect.objectContaining({ name: "app-secrets", status: "no-signal" })]);
  });

  it("feed an identity→vault SLO into that caller's incident", () => {
    const d = decideTick({
      now: at(15),
      signal: { status: "complete", rows: [aBin(10, { succeeded: 97, forbidden: 3 })] },
      incidents: [],
      policy: aPolicy({ minFailures: 1000, spec: spec(ORDERS_SLO) }),
      sloWindows: [sloRow(0.03)],
    });
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.triggers.map((t) => t.kind)).toEqual(["slo"]);
  });
});
