import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { fingerprint } from "../../src/core/model/incidents.js";
import { controlPlaneFingerprint, evaluateControlPlane } from "../../src/core/control-plane-findings.js";
import { networkFingerprint } from "../../src/core/network-findings.js";
import { transition } from "../../src/core/lifecycle/transition.js";
import { DEFAULT_LIFECYCLE } from "../../src/core/model/notify-policy.js";
import type { ControlPlaneFindingInput } from "../../src/core/model/index.js";
import { aBin, anIncident, aPolicy, at, KEY, VAULT } from "../fixtures/incidents.js";

// An incident is found again by its fingerprint on every tick: one that moves splits an incident
// in two (a second page, a resolution nobody asked for), one that collides merges two callers.
describe("incident fingerprints", () => {
  const denied = (o: Partial<typeof KEY> = {}) => [
    aBin(25, { forbidden: 20, ...o }),
    aBin(30, { forbidden: 20, ...o }),
  ];

  it("stay the same when the severity changes: the stored incident escalates, no second one opens", () => {
    const ticket = anIncident({
      severity: "SEV-3",
      notified: { ...anIncident().notified, severity: "SEV-3", pagedAt: undefined },
    });
    const d = decideTick({
      now: at(35),
      signal: { status: "complete", rows: denied() },
      incidents: [ticket],
      policy: aPolicy(),
    });
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]).toMatchObject({ id: ticket.id, severity: "SEV-2", occurrence: 1 });
    expect(d.changed[0]!.outbox.map((n) => n.kind)).toEqual(["escalated"]);
  });

  it("stay the same whatever the case of the vault and caller IDs in the log", () => {
    // AzureDiagnostics reports ResourceId in upper case; AKVAuditLogs' _ResourceId is not.
    const upper = denied({ vaultResourceId: VAULT.toUpperCase(), callerObjectId: KEY.callerObjectId.toUpperCase() });
    const d = decideTick({
      now: at(35),
      signal: { status: "complete", rows: upper },
      incidents: [anIncident()],
      policy: aPolicy(),
    });
    expect(d.changed.map((i) => i.id)).toEqual([anIncident().id]);
    expect(d.changed[0]!.outbox).toEqual([]);
    expect(fingerprint("kv-auth-denied", { ...KEY, vaultResourceId: VAULT.replace("kv-app", "KV-App") })).toBe(
      anIncident().id,
    );
  });

  it("stay the same when only the caller's app ID or resource ID is missing or different", () => {
    expect(fingerprint("kv-auth-denied", { ...KEY, callerAppId: "" })).toBe(fingerprint("kv-auth-denied", KEY));
    expect(fingerprint("kv-auth-denied", { ...KEY, callerAppId: "cccccccc-0000-0000-0000-000000000009" })).toBe(
      fingerprint("kv-auth-denied", KEY),
    );
  });

  it("differ for another identity on the same vault, another vault, or another rule", () => {
    const other = "aaaaaaaa-0000-0000-0000-000000000002";
    const d = decideTick({
      now: at(35),
      signal: { status: "complete", rows: denied({ callerObjectId: other }) },
      incidents: [anIncident()],
      policy: aPolicy(),
    });
    const opened = d.changed.filter((i) => i.rule === "kv-auth-denied" && i.id !== anIncident().id);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ state: "firing", occurrence: 1, key: { callerObjectId: other } });

    const ids = new Set([
      fingerprint("kv-auth-denied", KEY),
      fingerprint("kv-auth-denied", { ...KEY, callerObjectId: other }),
      fingerprint("kv-auth-denied", { ...KEY, vaultResourceId: VAULT.replace("kv-app", "kv-other") }),
      fingerprint("kv-throttled", KEY),
      // A caller known only by its app ID is not the caller whose object ID it lacks.
      fingerprint("kv-auth-denied", { ...KEY, callerObjectId: "" }),
    ]);
    expect(ids.size).toBe(5);
  });

  it("name a network incident by its app, whatever its case", () => {
    expect(networkFingerprint("Orders")).toBe(networkFingerprint("orders"));
    expect(networkFingerprint("billing")).not.toBe(networkFingerprint("orders"));
  });

  it("keep a control-plane incident when its finding's severity changes, and part different findings", () => {
    const finding = (o: Partial<ControlPlaneFindingInput> = {}): ControlPlaneFindingInput => ({
      id: `role-missing|${VAULT}|${KEY.callerObjectId}`,
      kind: "role-missing",
      summary: "id-app holds no Key Vault Secrets User on kv-app",
      evidence: [],
      severity: "SEV-3",
      hypothesis: "H2",
      vaultResourceId: VAULT,
      principal: KEY.callerObjectId,
      role: "Key Vault Secrets User",
      workspace: undefined,
      ...o,
    });
    const evaluate = (f: ControlPlaneFindingInput) =>
      evaluateControlPlane({ findings: [f], readVaults: [VAULT], clean: true }, [])[0]!;
    const opened = transition(undefined, evaluate(finding()), at(0), true, DEFAULT_LIFECYCLE).next!;
    const worse = transition(opened, evaluate(finding({ severity: "SEV-1" })), at(5), true, DEFAULT_LIFECYCLE);
    expect(worse).toMatchObject({ action: "update", next: { id: opened.id, severity: "SEV-1", occurrence: 1 } });
    expect(controlPlaneFingerprint(`role-missing|${VAULT}|aaaaaaaa-0000-0000-0000-000000000002`)).not.toBe(opened.id);
  });
});
