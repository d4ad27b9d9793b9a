import { describe, expect, it } from "vitest";
import { dataArrivals } from "../../tools/bench/data-arrival.js";
import { renderMarkdown, type DetectorResults } from "../../tools/bench/markdown.js";
import { buildResultsJson } from "../../tools/bench/results-json.js";
import { identityAliases, scoreScenario, summarize, type DetectorRun, type Episode } from "../../tools/bench/score.js";
import type { TruthIncidentSpec } from "../../tools/scenario/format.js";
import { parseScenario } from "../../tools/scenario/load.js";
import { anEpisode, MIN } from "./fixtures.js";

/**
 * Time to detect from data arrival, from raw records in the emulated workspace: the incident's
 * first failing record becomes queryable at its ingestion time, which the scoring takes from the
 * store, not from the truth.
 */

const T0 = Date.parse("2026-03-02T01:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const iso = (minutes: number) => at(minutes).toISOString();
const SUB = "/subscriptions/4a7e6f10-52c1-4d7b-9a1f-3c2b8e0d9f61";
const vaultId = (name: string) => `${SUB}/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/${name}`;
const uami = (name: string) =>
  `${SUB}/resourcegroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const ORDERS = {
  callerObjectId: "7d4c2a91-3f5e-4b8a-9c61-0e2f5a7b8c93",
  callerAppId: "c1f0e6d2-8a4b-4c3e-9f7a-2b5d6e8f0a14",
  callerResourceId: uami("id-func-orders"),
};
const BILLING = {
  callerObjectId: "2e9b7c4d-6a1f-4e3b-8d5c-9f0a1b2c3d4e",
  callerAppId: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
  callerResourceId: uami("id-func-billing"),
};

/** The truth of the cases below: kv-orders-prod denies id-func-orders from 01:03 to 01:20. */
const TRUTH: TruthIncidentSpec = {
  name: "orders-denied",
  onset: at(3),
  recovered: at(20),
  hypothesis: "H2",
  severity: "SEV-1",
  vault: "kv-orders-prod",
  identity: "id-func-orders",
};

/** A world whose workspace ingests records 3 minutes after TimeGenerated unless a record says otherwise. */
function world(records: unknown[], settings: Record<string, unknown> = {}) {
  return parseScenario(
    JSON.stringify({
      format: "vaultwatch/scenario/v2",
      name: "arrival",
      start: iso(-30),
      end: iso(60),
      workspace: { ingestion: 3 },
      settings,
      records,
    }),
  ).world;
}

const kv = (o: Record<string, unknown>) => ({
  kind: "kv-audit",
  table: "AzureDiagnostics",
  vaultResourceId: vaultId("kv-orders-prod"),
  operation: "SecretGet",
  ...ORDERS,
  ...o,
});

/**
 * Key Vault traffic around the incident: the caller's denials from onset are ingested 8 minutes
 * late, while failing records that are not the incident's arrive sooner, 3 minutes after they
 * happened: the SDK's token-less challenge, another identity's denial on the same vault, the same
 * identity's denial on another vault.
 */
const KEY_VAULT_RECORDS = [
  kv({ status: 200, at: iso(-10), every: 1, until: iso(40), count: 5 }),
  { kind: "kv-challenge", table: "AzureDiagnostics", vaultResourceId: vaultId("kv-orders-prod"), at: iso(3) },
  kv({ status: 403, denial: "rbac", ...BILLING, at: iso(3) }),
  kv({ status: 403, denial: "rbac", vaultResourceId: vaultId("kv-billing-prod"), at: iso(3) }),
  kv({ status: 403, denial: "rbac", at: iso(3), every: 1, until: iso(20), count: 4, ingestionDelayMinutes: 8 }),
];

function episode(firedAt: Date, o: Partial<Episode> = {}): Episode {
  return anEpisode({ incident: "inc-1", firedAt, resolvedAt: at(40), ...o });
}

const run = (...episodes: Episode[]): DetectorRun => ({ episodes, notifications: episodes.length, pages: 0 });

describe("time to detect from data arrival", () => {
  it("takes the first failing record's ingestion: denials ingested 8 minutes after onset, detected at onset + 12, is 4 minutes from data arrival", () => {
    const w = world(KEY_VAULT_RECORDS);
    const aliases = identityAliases(w);
    const arrivals = dataArrivals(w.logs, [TRUTH], aliases);
    expect(arrivals).toEqual([at(11)]);

    const s = scoreScenario(w, [TRUTH], run(episode(at(15))), aliases, arrivals);
    expect(s.truths[0]).toMatchObject({ ttdMs: 12 * MIN, dataArrivalMs: 8 * MIN, ttdFromDataMs: 4 * MIN });
    expect(summarize([s]).ttdFromData).toEqual({ median: 4 * MIN, worst: 4 * MIN, n: 1 });
  });

  it("counts the record of the bin that holds the onset, which the corpus dates to the bin's start", () => {
    // The first denial (01:03) written as its 5-minute bin is: dated 01:00, ingested 3 minutes later.
    const w = world([
      kv({ status: 200, at: iso(-10), every: 1, until: iso(40), count: 5 }),
      kv({ status: 403, denial: "rbac", at: iso(0), every: 5, until: iso(20), count: 20 }),
      kv({ status: 403, denial: "rbac", at: iso(-10), ...BILLING }),
    ]);
    expect(dataArrivals(w.logs, [TRUTH], identityAliases(w))).toEqual([at(3)]);
  });

  it("reports it per detector in results.json and the Markdown: median and worst, per scenario and per incident", () => {
    const w = world(KEY_VAULT_RECORDS);
    const aliases = identityAliases(w);
    const arrivals = dataArrivals(w.logs, [TRUTH], aliases);
    const detectors: DetectorResults[] = [
      {
        slug: "vaultwatch",
        title: "vaultwatch",
        namesCauses: true,
        scores: [scoreScenario(w, [TRUTH], run(episode(at(15))), aliases, arrivals)],
      },
      {
        slug: "static-403",
        title: "static 403 rule",
        namesCauses: false,
        scores: [
          scoreScenario(
            w,
            [TRUTH],
            run(episode(at(20), { identity: undefined, hypothesis: undefined })),
            aliases,
            arrivals,
          ),
        ],
      },
    ];
    const json = buildResultsJson({
      detectors,
      core: { error: "not measured" },
      coldStart: { error: "not measured" },
      deployment: { error: "not measured" },
      emulator: { error: "not measured" },
      benchWallSeconds: 1,
      node: "v22",
      cpuModel: "cpu",
      cpuCount: 2,
      date: new Date(T0),
    });
    expect(
      Object.entries(json.detection).map(([slug, d]) => [
        slug,
        d.ttdMedianMin,
        d.ttdFromDataMedianMin,
        d.ttdFromDataWorstMin,
      ]),
    ).toEqual([
      ["vaultwatch", 12, 4, 4],
      ["static-403", 17, 9, 9],
    ]);
    expect(json.detection.vaultwatch!.scenarios.arrival).toMatchObject({
      ttdMedianMin: 12,
      ttdWorstMin: 12,
      ttdFromDataMedianMin: 4,
      ttdFromDataWorstMin: 4,
    });
    expect(json.detection["static-403"]!.incidents).toEqual([
      expect.objectContaining({
        scenario: "arrival",
        incident: "orders-denied",
        dataQueryableMin: 8,
        ttdMin: 17,
        ttdFromDataMin: 9,
      }),
    ]);

    const md = renderMarkdown({
      scenarios: [
        { name: "arrival", description: "", days: 90 / 1440, ticks: 19, truthIncidents: 1, svg: "arrival.svg" },
      ],
      detectors,
      failures: [],
      requests: [],
      core: { error: "not measured" },
      timing: undefined,
      environment: undefined,
    });
    expect(md).toContain("| time to detect, median | 12 min | 17 min |");
    expect(md).toContain("| time to detect from data arrival, median | 4 min | 9 min |");
    expect(md).toContain("| time to detect from data arrival, worst | 4 min | 9 min |");
    expect(md).toContain(
      "| arrival | orders-denied | H2, SEV-1 | +8 min | 12 min / 4 min / 20 min / H2 ✓ / SEV-1 ✓ | 17 min / 9 min / 20 min |",
    );
  });

  it("reads app telemetry when no request reaches the vault: the app's first unanswered challenge, not one its operation retried", () => {
    const app = "ledger-sync";
    const host = "kv-ledger-prod.vault.azure.net";
    const dependency = (o: Record<string, unknown>) => ({
      kind: "app-dependency",
      appRoleName: app,
      target: host,
      dependencyType: "HTTP",
      ...o,
    });
    const w = world(
      [
        // The SDK's challenge and its retry with a token: routine, ingested at 01:06.
        { kind: "kv-challenge-dependency", appRoleName: app, vaultHost: host, at: iso(3) },
        // Another app's failure, and this app's routine trace, at onset.
        dependency({ appRoleName: "func-billing", resultCode: "500", success: false, at: iso(3) }),
        { kind: "app-trace", appRoleName: app, message: "Host lock lease acquired.", severityLevel: 1, at: iso(3) },
        // No token: a 401 nothing followed, ingested at 01:08; the credential error it logged, at 01:10.
        dependency({
          resultCode: "401",
          success: false,
          operationId: "a".repeat(32),
          at: iso(3),
          ingestionDelayMinutes: 5,
        }),
        {
          kind: "app-trace",
          appRoleName: app,
          message: "ManagedIdentityCredential authentication unavailable. No Managed Identity endpoint found.",
          severityLevel: 3,
          at: iso(4),
          ingestionDelayMinutes: 6,
        },
      ],
      { MONITOR_CONFIG: { apiVersion: "vaultwatch/v1", apps: [{ name: app, identities: ["id-ledger-sync"] }] } },
    );
    const truth = { ...TRUTH, vault: "kv-ledger-prod", identity: "id-ledger-sync", hypothesis: "H1" as const };
    expect(dataArrivals(w.logs, [truth], identityAliases(w))).toEqual([at(8)]);
    // Without the failing dependency, the credential error is the first to show it.
    const traceOnly = world([
      {
        kind: "app-trace",
        appRoleName: "id-ledger-sync",
        message: "ManagedIdentityCredential authentication unavailable.",
        severityLevel: 3,
        at: iso(4),
        ingestionDelayMinutes: 6,
      },
    ]);
    expect(dataArrivals(traceOnly.logs, [truth])).toEqual([at(10)]);
  });

  it("leaves it unknown, not zero, when no record shows the incident, and scores time from onset as before", () => {
    const w = world([kv({ status: 200, at: iso(-10), every: 1, until: iso(40) })]);
    const arrivals = dataArrivals(w.logs, [TRUTH]);
    expect(arrivals).toEqual([undefined]);
    const s = scoreScenario(w, [TRUTH], run(episode(at(15))), undefined, arrivals);
    expect(s.truths[0]).toMatchObject({ ttdMs: 12 * MIN, dataArrivalMs: undefined, ttdFromDataMs: undefined });
    expect(summarize([s]).ttdFromData).toEqual({ median: undefined, worst: undefined, n: 0 });
  });
});
