import { describe, expect, it } from "vitest";
import { parseScenario } from "../../tools/scenario/load.js";
import {
  AMBA_AVAILABILITY,
  evaluatePeer,
  severityOfAzure,
  STATIC_403,
  tickTimes,
  windowBins,
} from "../../tools/bench/peers.js";

const T0 = Date.parse("2026-03-02T01:00:00Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const vault = (name: string) =>
  `/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/${name}`;
const dims = (v: string, caller = "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93") => ({
  vaultResourceId: vault(v),
  callerObjectId: caller,
  callerAppId: "",
  callerResourceId: "",
  source: "AzureDiagnostics",
  operation: "SecretGet",
});

type Counts = Record<string, number>;

/**
 * A world from 01:00 to 02:00 with a tick every 5 minutes and logs visible 3 minutes after each
 * bin: 100 successful calls to kv-a in every bin from 00:00, then the given bins' rows added.
 */
function world(
  bins: Record<number, { vault?: string; caller?: string; counts: Counts }[]>,
  o: { delay?: number } = {},
) {
  const timeline: unknown[] = [
    { at: iso(-60), until: iso(60), "kv-requests": [{ dims: dims("kv-a"), counts: { succeeded: 100 } }] },
  ];
  for (const [minute, rows] of Object.entries(bins)) {
    timeline.push({
      at: iso(Number(minute)),
      "kv-requests": rows.map((r) => ({ dims: dims(r.vault ?? "kv-a", r.caller), counts: r.counts })),
    });
  }
  return parseScenario(
    JSON.stringify({
      format: "vaultwatch/scenario/v1",
      name: "peers",
      start: iso(0),
      end: iso(60),
      workspace: { ingestionDelayMinutes: o.delay ?? 3 },
      timeline,
    }),
  ).world;
}

const times = (ds: (Date | undefined)[]) => ds.map((d) => d?.toISOString().slice(11, 16));

describe("the peer rules", () => {
  it("evaluate at the replay's ticks, each over the newest 5-minute bin that is visible", () => {
    expect(tickTimes(world({})).length).toBe(13);
    // 01:10 with a 3-minute delay: the bin 01:05–01:10 is visible at 01:13, so the window holds 01:00–01:05.
    expect(windowBins(new Date(iso(10)), 5, 3).map((b) => new Date(b).toISOString().slice(11, 16))).toEqual(["01:00"]);
    expect(windowBins(new Date(iso(10)), 5, 0).map((b) => new Date(b).toISOString().slice(11, 16))).toEqual(["01:05"]);
    expect(windowBins(new Date(iso(10)), 15, 3).map((b) => new Date(b).toISOString().slice(11, 16))).toEqual([
      "00:50",
      "00:55",
      "01:00",
    ]);
  });

  it("static 403 rule: fire on the bin where 403s exceed 10, and resolve after three clean evaluations", () => {
    // 11 403s in the bin 01:00–01:05, from two callers: the rule counts per vault, not per caller.
    const w = world({
      0: [
        { counts: { forbiddenRbac: 6 } },
        { caller: "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e", counts: { forbiddenPolicy: 5 } },
      ],
    });
    const run = evaluatePeer(STATIC_403, w);
    expect(run.episodes).toHaveLength(1);
    const e = run.episodes[0]!;
    // Visible at 01:08, so the 01:10 evaluation sees it; 01:15, 01:20 and 01:25 are clean.
    expect(times([e.firedAt, e.resolvedAt])).toEqual(["01:10", "01:25"]);
    expect(e).toMatchObject({
      vault: "kv-a",
      identity: undefined,
      hypothesis: undefined,
      severity: "SEV-2",
      peakSeverity: "SEV-2",
      rule: "static-403",
      // Its firing pages; its firing and its resolution are its two notifications.
      pages: 1,
      notifications: 2,
    });
    expect(run).toMatchObject({ pages: 1, notifications: 2 });
    expect(run.evaluations.filter((x) => x.met).map((x) => x.value)).toEqual([11]);
  });

  it("static 403 rule: exactly 10 is not more than 10, and 401s are not 403s", () => {
    expect(evaluatePeer(STATIC_403, world({ 0: [{ counts: { forbiddenRbac: 10 } }] })).episodes).toEqual([]);
    expect(evaluatePeer(STATIC_403, world({ 0: [{ counts: { unauthorized: 500 } }] })).episodes).toEqual([]);
  });

  it("static 403 rule: a relapse before three clean evaluations keeps the one alert open", () => {
    // Bad bins 01:00 and 01:10: evaluations at 01:10 (met), 01:15 (clean), 01:20 (met), 01:25, 01:30, 01:35 (clean).
    const run = evaluatePeer(
      STATIC_403,
      world({ 0: [{ counts: { forbiddenRbac: 20 } }], 10: [{ counts: { forbiddenRbac: 20 } }] }),
    );
    expect(run.episodes.map((e) => times([e.firedAt, e.resolvedAt]))).toEqual([["01:10", "01:35"]]);
  });

  it("static 403 rule: alert per vault", () => {
    const run = evaluatePeer(
      STATIC_403,
      world({ 0: [{ counts: { forbiddenRbac: 20 } }, { vault: "kv-b", counts: { forbiddenFirewall: 30 } }] }),
    );
    expect(run.episodes.map((e) => e.vault).sort()).toEqual(["kv-a", "kv-b"]);
    expect(run.pages).toBe(2);
  });

  it("AMBA availability: 403s do not lower availability", () => {
    // 100 successes and 400 RBAC denials: every request was answered.
    expect(evaluatePeer(AMBA_AVAILABILITY, world({ 0: [{ counts: { forbiddenRbac: 400 } }] })).episodes).toEqual([]);
  });

  it("AMBA availability: fires when 429s take availability below 90 %, and auto-mitigates after three healthy evaluations", () => {
    // 100 + 100 requests, 25 throttled: 175 / 200 = 87.5 %.
    const throttled = evaluatePeer(AMBA_AVAILABILITY, world({ 15: [{ counts: { succeeded: 75, throttled: 25 } }] }));
    expect(throttled.episodes.map((e) => times([e.firedAt, e.resolvedAt]))).toEqual([["01:25", "01:40"]]);
    expect(throttled.evaluations.find((x) => x.met)?.value).toBeCloseTo(87.5, 6);
    expect(throttled.episodes[0]).toMatchObject({ severity: "SEV-2", hypothesis: undefined });
    // `other` (404s: the service answered) does not lower availability, however many there are.
    expect(evaluatePeer(AMBA_AVAILABILITY, world({ 15: [{ counts: { succeeded: 70, other: 30 } }] })).episodes).toEqual(
      [],
    );
  });

  it("AMBA availability: exactly 90 % is not less than 90 %, and a vault without requests has no value", () => {
    // 100 + 100 requests, 20 throttled: 90 %.
    expect(
      evaluatePeer(AMBA_AVAILABILITY, world({ 15: [{ counts: { succeeded: 80, throttled: 20 } }] })).episodes,
    ).toEqual([]);
    // kv-b is seen once (all throttled: 0 %) and then has no requests: its alert resolves on three empty windows.
    const run = evaluatePeer(AMBA_AVAILABILITY, world({ 15: [{ vault: "kv-b", counts: { throttled: 50 } }] }));
    expect(run.episodes.map((e) => [e.vault, ...times([e.firedAt, e.resolvedAt])])).toEqual([
      ["kv-b", "01:25", "01:40"],
    ]);
    expect(
      run.evaluations.filter((x) => x.vault.endsWith("kv-b") && x.value === undefined).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it("map Azure severities onto vaultwatch's", () => {
    expect([0, 1, 2, 3, 4].map((s) => severityOfAzure(s as 0 | 1 | 2 | 3 | 4))).toEqual([
      "SEV-1",
      "SEV-2",
      "SEV-3",
      "SEV-4",
      "SEV-4",
    ]);
  });
});
