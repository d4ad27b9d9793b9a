import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { aBin, anIncident, aPolicy, at } from "../fixtures/incidents.js";

describe("a tick's decisions", () => {
  it("decide nothing when the query failed: unknown is not healthy and not resolved", () => {
    const d = decideTick({ now: at(40), signal: { status: "failed", problem: "503" }, incidents: [anIncident()], policy: aPolicy() });
    // The monitor's own incident starts pending (one failed query is routine); the vault incident
    // keeps its state and its notices, only marked as unconfirmed while the monitor is blind.
    expect(d.changed.map((i) => [i.rule, i.state])).toEqual([["monitor", "pending"], ["kv-auth-denied", "firing"]]);
    expect(d.changed[1]).toEqual({ ...anIncident(), mutedBy: expect.stringContaining("monitor-blind") });
    expect(d.seriesObserved).toBe(0);
  });

  it("page about the monitor itself when its queries keep failing, and mute the vault incidents it can no longer confirm", () => {
    const failed = { status: "failed" as const, problem: "401 from the query API" };
    const first = decideTick({ now: at(40), signal: failed, incidents: [anIncident()], policy: aPolicy() });
    const monitor = first.changed[0]!;
    const second = decideTick({ now: at(45), signal: failed, incidents: [anIncident(), monitor], policy: aPolicy() });
    const byRule = new Map(second.changed.map((i) => [i.rule, i]));
    expect(byRule.get("monitor")).toMatchObject({ state: "firing", severity: "SEV-3" });
    expect(byRule.get("monitor")!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(byRule.get("kv-auth-denied")!.mutedBy).toMatch(/inhibited by incident .* \(monitor-blind\)/);
    const recovered = decideTick({ now: at(50), signal: { status: "complete", rows: [] }, incidents: [byRule.get("kv-auth-denied")!, byRule.get("monitor")!], policy: aPolicy() });
    const after = new Map(recovered.changed.map((i) => [i.rule, i]));
    expect(after.get("monitor")).toMatchObject({ state: "resolved" });
    expect(after.get("kv-auth-denied")!.mutedBy).toBeUndefined();
  });

  it("hold back the auth incident of an app whose calls fail at the network level, and page the network incident instead", () => {
    const policy = aPolicy({ spec: { ...aPolicy().spec, apps: [{ name: "orders", identities: ["id-app"], critical: true, hasFallback: false }] } });
    const deps = [20, 25, 30].map((m) => ({
      binStart: at(m),
      dims: { appRoleName: "orders", target: "kv-app.vault.azure.net", dependencyType: "HTTP", targetKind: "keyvault" as const },
      counts: { total: 40, succeeded: 2, unauthorized: 3, forbidden: 0, throttled: 0, timeouts: 20, connectionFailures: 15, serverErrors: 0, otherFailures: 0 },
    }));
    const rows = [aBin(25, { forbidden: 20 }), aBin(30, { forbidden: 20 })];
    const d = decideTick({
      now: at(35), signal: { status: "complete", rows }, incidents: [], policy,
      evidence: { dependencyCalls: deps, credentialTraces: [], hostStartup: [], changes: [], status: { "dependency-calls": "ok" }, problems: {}, controlPlane: undefined },
    });
    const byRule = new Map(d.changed.map((i) => [i.rule, i]));
    expect(byRule.get("network")).toMatchObject({ state: "firing", severity: "SEV-1", key: { app: "orders" } });
    expect(byRule.get("network")!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(byRule.get("kv-auth-denied")).toMatchObject({ state: "firing", outbox: [] });
    expect(byRule.get("kv-auth-denied")!.mutedBy).toMatch(/network-outage/);
  });

  it("withhold notices of a silenced incident, and announce it when the silence ends while it still fires", () => {
    const rows = [aBin(25, { forbidden: 20 }), aBin(30, { forbidden: 20 })];
    const silence = { id: "s1", matchers: { vault: "kv-app" }, startsAt: at(0), endsAt: at(40), createdBy: "alex", comment: "rotating keys", createdAt: at(0), expiredAt: undefined };
    const during = decideTick({ now: at(35), signal: { status: "complete", rows }, incidents: [], policy: aPolicy(), silences: [silence] });
    expect(during.changed[0]).toMatchObject({ state: "firing", outbox: [], mutedBy: expect.stringContaining("silenced by s1") });
    const after = decideTick({ now: at(40), signal: { status: "complete", rows: [...rows, aBin(35, { forbidden: 20 })] }, incidents: [during.changed[0]!], policy: aPolicy(), silences: [silence] });
    expect(after.changed[0]!.outbox.map((n) => n.kind)).toEqual(["opened"]);
    expect(after.changed[0]!.mutedBy).toBeUndefined();
  });

  it("open incidents from a partial result but never resolve from one", () => {
    const rows = [aBin(20, { succeeded: 40 }), aBin(25, { succeeded: 40 }), aBin(30, { succeeded: 40 })];
    const partial = decideTick({ now: at(35), signal: { status: "partial", rows, problem: "limit" }, incidents: [anIncident()], policy: aPolicy() });
    expect(partial.changed).toEqual([]);
    const complete = decideTick({ now: at(35), signal: { status: "complete", rows }, incidents: [anIncident()], policy: aPolicy() });
    expect(complete.changed.map((i) => i.state)).toEqual(["resolved"]);

    const failing = [aBin(30, { forbidden: 20 })];
    const opened = decideTick({ now: at(35), signal: { status: "partial", rows: failing, problem: "limit" }, incidents: [], policy: aPolicy() });
    expect(opened.changed.map((i) => i.state)).toEqual(["firing"]);
  });

  it("keep an incident open, without a write, when its caller went silent", () => {
    const d = decideTick({ now: at(60), signal: { status: "complete", rows: [] }, incidents: [anIncident()], policy: aPolicy() });
    expect(d.changed).toEqual([]);
    expect(d.evaluations).toEqual([expect.objectContaining({ kind: "no-traffic" })]);
  });

  it("resolve an incident about calls without a token once they stop, and only from a complete result", () => {
    const tokenless = anIncident({ key: { ...anIncident().key, callerObjectId: "", callerAppId: "", callerResourceId: "" } });
    const quiet = decideTick({ now: at(60), signal: { status: "complete", rows: [] }, incidents: [tokenless], policy: aPolicy() });
    expect(quiet.changed.map((i) => i.state)).toEqual(["resolved"]);
    const partial = decideTick({ now: at(60), signal: { status: "partial", rows: [], problem: "limit" }, incidents: [tokenless], policy: aPolicy() });
    expect(partial.changed).toEqual([]);
  });
});
