import { describe, expect, it } from "vitest";
import { silenceFor, silenceStatus, type Silence } from "../../src/core/notify/silence.js";
import { inhibitionFor } from "../../src/core/notify/inhibit.js";
import { channelsFor } from "../../src/core/notify/route.js";
import { backoffMs } from "../../src/core/notify/backoff.js";
import { DEFAULT_NOTIFY } from "../../src/core/notify/policy.js";
import { networkFingerprint } from "../../src/core/network-findings.js";
import { MONITOR_FINGERPRINT } from "../../src/core/monitor-findings.js";
import { EMPTY_SPEC } from "../../src/config/monitor-spec.js";
import { anIncident, at, KEY } from "../fixtures/incidents.js";

const silence = (o: Partial<Silence> = {}): Silence => ({
  id: "s1", matchers: { vault: "kv-app" }, startsAt: at(0), endsAt: at(60), createdBy: "alex", comment: "maintenance", createdAt: at(0), expiredAt: undefined, ...o,
});

describe("silences", () => {
  it("are scheduled before they start (a maintenance window), active within, expired after or once expired by hand", () => {
    const s = silence({ startsAt: at(10) });
    expect([at(5), at(10), at(59), at(60)].map((t) => silenceStatus(s, t))).toEqual(["scheduled", "active", "active", "expired"]);
    expect(silenceStatus({ ...s, expiredAt: at(20) }, at(25))).toBe("expired");
  });

  it.each([
    [{ vault: "KV-APP" }, true],
    [{ vault: KEY.vaultResourceId }, true],
    [{ vault: "kv-other" }, false],
    [{ identity: "id-app" }, true],
    [{ identity: KEY.callerObjectId }, true],
    [{ vault: "kv-app", severities: ["SEV-1" as const] }, false],
    [{ rule: "kv-throttled" as const }, false],
  ])("match every given matcher: %o → %s", (matchers, matches) => {
    expect(silenceFor(anIncident(), [silence({ matchers })], at(5), EMPTY_SPEC) !== undefined).toBe(matches);
  });
});

describe("inhibition", () => {
  const monitor = anIncident({ id: MONITOR_FINGERPRINT, rule: "monitor", key: { vaultResourceId: "", callerObjectId: "", callerAppId: "", callerResourceId: "", auditTable: "AzureDiagnostics" } });
  const spec = { ...EMPTY_SPEC, apps: [{ name: "orders", identities: ["id-app"], critical: true, hasFallback: false }] };
  const network = (app: string) => anIncident({ id: networkFingerprint(app), rule: "network", key: { vaultResourceId: "", callerObjectId: "", callerAppId: "", callerResourceId: "", auditTable: "AzureDiagnostics", app } });

  it("mutes vault incidents while the monitor is blind, but never the monitor's own incident", () => {
    expect(inhibitionFor(anIncident(), [monitor], EMPTY_SPEC)).toMatch(/monitor-blind/);
    expect(inhibitionFor(monitor, [monitor, anIncident()], EMPTY_SPEC)).toBeUndefined();
  });

  it("mutes an app's auth incidents during its network outage, not another app's", () => {
    expect(inhibitionFor(anIncident(), [network("orders")], spec)).toMatch(/network-outage/);
    expect(inhibitionFor(anIncident(), [network("billing")], spec)).toBeUndefined();
    // Without the app in the spec the labels cannot be compared: nothing is muted.
    expect(inhibitionFor(anIncident(), [network("orders")], EMPTY_SPEC)).toBeUndefined();
  });

  it("stops muting once the source resolved", () => {
    expect(inhibitionFor(anIncident(), [{ ...monitor, state: "resolved" }], EMPTY_SPEC)).toBeUndefined();
  });
});

describe("routes", () => {
  const policy = { ...DEFAULT_NOTIFY, channels: ["teams", "email", "pagerduty"] as ("teams" | "email" | "pagerduty")[] };
  it("send pages everywhere, tickets to Teams, and the no-acknowledgement escalation to PagerDuty first", () => {
    expect(channelsFor("opened", "SEV-1", policy)).toEqual(["teams", "pagerduty", "email"]);
    expect(channelsFor("opened", "SEV-3", policy)).toEqual(["teams"]);
    expect(channelsFor("unacknowledged", "SEV-2", policy)).toEqual(["pagerduty", "email", "teams"]);
  });

  it("never drop a notice whose route names no configured channel", () => {
    expect(channelsFor("opened", "SEV-3", { ...policy, channels: ["email"] })).toEqual(["email"]);
  });
});

describe("delivery backoff", () => {
  it("doubles from a minute up to 30, waits longer when the receiver asks, and retries rejections at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffMs(n, "server", undefined) / 60_000)).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(backoffMs(1, "throttled", 300_000)).toBe(300_000);
    expect(backoffMs(1, "client", undefined)).toBe(30 * 60_000);
  });
});
