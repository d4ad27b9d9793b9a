import { describe, expect, it } from "vitest";
import { attributeTokenless, type AppTelemetry } from "../../src/core/tokenless-attribution.js";
import { decideTick } from "../../src/core/tick.js";
import { parseMonitorSpec, type MonitorSpec } from "../../src/core/spec/monitor-spec.js";
import type { Evidence } from "../../src/core/diagnose-finding.js";
import type { SignalRow } from "../../src/core/signals/signal-set.js";
import { aBin, aPolicy, at, VAULT } from "../fixtures/incidents.js";
import { appOf } from "../../src/core/model/subject.js";
import { subjectFromRecord, subjectRecord } from "../../src/core/model/incident-record.js";
import { groupKeysOf } from "../../src/core/notify/group-keys.js";
import { DEFAULT_GROUP } from "../../src/core/model/notify-policy.js";

/**
 * Calls without a token carry no caller in Key Vault's log; the app's own telemetry of the same
 * minutes names it: its credential errors, its own 401s from the vault. The app attributed is the
 * one whose criticality sets the severity and whose evidence the diagnosis reads.
 */

const APP = "func-payments";
const OTHER = "func-reports";
const HOST = "kv-app.vault.azure.net";

const trace = (
  minute: number,
  app = APP,
  errorClass: SignalRow<"credential-traces">["dims"]["errorClass"] = "uami-not-found",
): SignalRow<"credential-traces"> => ({
  binStart: at(minute),
  dims: { appRoleName: app, errorClass },
  counts: { events: 12 },
  sample: "ManagedIdentityCredential authentication failed: Unable to load the proper Managed Identity.",
});
const call = (
  minute: number,
  o: { app?: string; target?: string; unauthorized?: number; succeeded?: number } = {},
): SignalRow<"dependency-calls"> => {
  const unauthorized = o.unauthorized ?? 20;
  const succeeded = o.succeeded ?? 0;
  return {
    binStart: at(minute),
    dims: {
      appRoleName: o.app ?? APP,
      target: o.target ?? HOST,
      dependencyType: "Azure Key Vault",
      targetKind: "keyvault",
    },
    counts: {
      total: unauthorized + succeeded,
      succeeded,
      unauthorized,
      forbidden: 0,
      throttled: 0,
      timeouts: 0,
      connectionFailures: 0,
      serverErrors: 0,
      otherFailures: 0,
    },
  };
};
const telemetry = (o: Partial<AppTelemetry>): AppTelemetry => ({ credentialTraces: [], dependencyCalls: [], ...o });
/** The calls without a token failed in the bins from 01:10 to 01:25. */
const FAILURES = { from: at(10), to: at(25) };
const attribute = (t: Partial<AppTelemetry>) => attributeTokenless(VAULT, FAILURES, telemetry(t), 5);

describe("attributing calls without a token to their app", () => {
  it("names the app whose credential errors fall in the same minutes, and when", () => {
    expect(attribute({ credentialTraces: [trace(10), trace(15), trace(20)] })).toMatchObject({
      apps: [APP],
      byCredentialErrors: true,
      byVaultCalls: false,
      text: "calls without a token, attributed to func-payments by its own credential errors at 01:10–01:25 UTC",
    });
  });

  it("names the app whose own calls to the vault were refused with 401 in those minutes", () => {
    expect(attribute({ dependencyCalls: [call(15), call(20)] })?.text).toBe(
      "calls without a token, attributed to func-payments by its own 401s from kv-app at 01:15–01:25 UTC",
    );
  });

  it("prefers the app with both kinds of evidence over one with credential errors alone", () => {
    const a = attribute({
      credentialTraces: [trace(10), trace(15, OTHER)],
      dependencyCalls: [call(10), call(15, { app: OTHER, target: "kv-reports.vault.azure.net" })],
    });
    expect(a?.apps).toEqual([APP]);
    expect(a?.text).toBe(
      "calls without a token, attributed to func-payments by its own credential errors and 401s from kv-app at 01:10–01:15 UTC",
    );
  });

  it.each<[string, Partial<AppTelemetry>]>([
    ["credential errors an hour before", { credentialTraces: [trace(-60)] }],
    ["a wrong audience, which still gets a token", { credentialTraces: [trace(15, APP, "invalid-audience")] }],
    [
      "credential errors of an app that calls only another vault",
      {
        credentialTraces: [trace(15, OTHER)],
        dependencyCalls: [
          call(15, { app: OTHER, target: "kv-reports.vault.azure.net", unauthorized: 0, succeeded: 5 }),
        ],
      },
    ],
    ["calls to the vault that succeeded", { dependencyCalls: [call(15, { unauthorized: 0, succeeded: 40 })] }],
    ["401s from another vault", { dependencyCalls: [call(15, { target: "kv-reports.vault.azure.net" })] }],
  ])("attributes nothing to %s", (_, t) => {
    expect(attribute(t)).toBeUndefined();
  });

  it("names every app when two point at the same minutes", () => {
    expect(attribute({ credentialTraces: [trace(15, OTHER), trace(15)] })?.text).toBe(
      "calls without a token, attributed to func-payments and func-reports by their own credential errors at 01:15–01:20 UTC",
    );
  });
});

describe("a tick judging calls without a token by the app they are attributed to", () => {
  const spec = (critical: boolean, hasFallback: boolean): MonitorSpec => {
    const r = parseMonitorSpec(
      JSON.stringify({
        apiVersion: "vaultwatch/v1",
        apps: [{ name: APP, identities: ["id-func-payments"], critical, hasFallback }],
      }),
    );
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.spec;
  };
  const tokenless = { callerObjectId: "", callerAppId: "", callerResourceId: "" };
  const rows = [aBin(10, { ...tokenless, unauthorized: 30 }), aBin(15, { ...tokenless, unauthorized: 30 })];
  const evidence = (credentialTraces: SignalRow<"credential-traces">[]): Evidence => ({
    dependencyCalls: [call(10), call(15)],
    credentialTraces,
    hostStartup: [],
    changes: [],
    status: { "dependency-calls": "ok", "credential-traces": "ok", "host-startup": "ok", changes: "ok" },
    problems: {},
  });
  const tick = (e: Evidence, critical = true, hasFallback = false) =>
    decideTick({
      now: at(20),
      signal: { status: "complete", rows },
      incidents: [],
      policy: aPolicy({ spec: spec(critical, hasFallback) }),
      evidence: e,
    }).changed.find((i) => i.rule === "kv-auth-denied")!;

  it("pages SEV-1 for a critical app without fallback, and reads H1 as likely from the app's own errors", () => {
    const incident = tick(evidence([trace(10), trace(15)]));
    expect(incident.severity).toBe("SEV-1");
    expect(incident.diagnosis?.top[0]).toMatchObject({ id: "H1", verdict: "likely" });
    expect(incident.diagnosis?.top[0]?.confirming).toContain(
      "calls without a token, attributed to func-payments by its own credential errors and 401s from kv-app at 01:10–01:20 UTC",
    );
  });

  it("takes the app's fallback into account as for any caller", () => {
    expect(tick(evidence([trace(10), trace(15)]), true, true).severity).toBe("SEV-2");
  });

  it("knows the incident by that app, kept in its record, so it shares a thread with the app's network failures", () => {
    const incident = tick(evidence([trace(10), trace(15)]));
    expect(appOf(incident.subject)).toBe(APP);
    expect(appOf(subjectFromRecord("kv-auth-denied", subjectRecord(incident.subject)))).toBe(APP);
    const network = { ...incident, rule: "network" as const, subject: { kind: "app" as const, app: APP } };
    const shared = groupKeysOf(incident, DEFAULT_GROUP, spec(true, false)).filter((k) =>
      groupKeysOf(network, DEFAULT_GROUP, spec(true, false)).includes(k),
    );
    expect(shared).toEqual([`access|app=${APP}`]);
    // Without the attribution the calls name nobody, and nothing ties them to the app.
    const unattributed = tick({ ...evidence([]), dependencyCalls: [] });
    expect(appOf(unattributed.subject)).toBeUndefined();
  });

  it("without the app's telemetry, judges as before: no app, no app evidence", () => {
    const incident = tick({ ...evidence([]), dependencyCalls: [] });
    expect(incident.severity).toBe("SEV-2");
    expect(incident.diagnosis?.top[0]).toMatchObject({ id: "H1", verdict: "possible" });
  });
});
