import { describe, expect, it } from "vitest";
import { decideTick } from "../../src/core/tick.js";
import { fingerprint } from "../../src/core/model/incidents.js";
import { controlPlaneFingerprint, evaluateControlPlane } from "../../src/core/control-plane-findings.js";
import { networkFingerprint } from "../../src/core/network-findings.js";
import { transition } from "../../src/core/lifecycle/transition.js";
import { DEFAULT_LIFECYCLE } from "../../src/core/model/notify-policy.js";
import type { ControlPlaneFindingInput } from "../../src/core/model/index.js";
import { aBin, anIncident, aPolicy, at, type BinCase, KEY, VAULT } from "../fixtures/incidents.js";
import { networkOutageEvidence, ordersPolicy } from "../fixtures/network.js";
import { digest64 } from "../../src/core/common/hash.js";

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
    expect(opened[0]).toMatchObject({
      state: "firing",
      occurrence: 1,
      subject: { kind: "caller-on-vault", callerObjectId: other },
    });

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

// Before subjects, every incident carried a caller-on-vault key, faked with "" for incidents about
// an app, a finding or the monitor. These are the IDs of that time, computed from the strings it
// hashed and pinned: stored incidents are found again by them, so none may move.
describe("incident fingerprints for every kind of subject", () => {
  const denied = (o: BinCase = {}) => [aBin(25, { forbidden: 20, ...o }), aBin(30, { forbidden: 20, ...o })];
  const idsOpened = (input: Partial<Parameters<typeof decideTick>[0]>) =>
    decideTick({
      now: at(35),
      signal: { status: "complete", rows: [] },
      incidents: [],
      policy: aPolicy(),
      ...input,
    }).changed.map((i) => [i.rule, i.id, i.subject.kind]);

  it("a caller on a vault: the rule, the vault and the caller's object ID (app ID when it has none)", () => {
    expect(idsOpened({ signal: { status: "complete", rows: denied() } })).toEqual([
      ["kv-auth-denied", "20c0d3e88195f243", "caller-on-vault"],
    ]);
    expect(digest64(`kv-auth-denied|${VAULT}|${KEY.callerObjectId}`)).toBe("20c0d3e88195f243");
    const throttled = [aBin(25, { throttled: 20 }), aBin(30, { throttled: 20 })];
    expect(idsOpened({ signal: { status: "complete", rows: throttled } })).toEqual([
      ["kv-throttled", "dff438ee0b132e01", "caller-on-vault"],
    ]);
    expect(digest64(`kv-throttled|${VAULT}|${KEY.callerObjectId}`)).toBe("dff438ee0b132e01");
    expect(idsOpened({ signal: { status: "complete", rows: denied({ callerObjectId: "" }) } })).toEqual([
      ["kv-auth-denied", "7fe949e06d36f5fb", "caller-on-vault"],
    ]);
    expect(digest64(`kv-auth-denied|${VAULT}|${KEY.callerAppId}`)).toBe("7fe949e06d36f5fb");
    const tokenless = denied({ callerObjectId: "", callerAppId: "", callerResourceId: "" });
    expect(idsOpened({ signal: { status: "complete", rows: tokenless } })).toEqual([
      ["kv-auth-denied", "506a7347fdc6cb9c", "caller-on-vault"],
    ]);
    expect(digest64(`kv-auth-denied|${VAULT}|`)).toBe("506a7347fdc6cb9c");
  });

  it("an app: the network rule and the app's name in lower case", () => {
    const d = idsOpened({ policy: ordersPolicy(), evidence: networkOutageEvidence() });
    expect(d).toEqual([["network", "56fe854ad0486dc9", "app"]]);
    expect(digest64("network|orders")).toBe("56fe854ad0486dc9");
    expect(networkFingerprint("Orders")).toBe("56fe854ad0486dc9");
  });

  it("a control-plane finding: the finding's own stable ID", () => {
    const id = `role-missing|${VAULT}|${KEY.callerObjectId}`;
    const finding: ControlPlaneFindingInput = {
      id,
      kind: "role-missing",
      summary: "id-app holds no Key Vault Secrets User on kv-app",
      evidence: [],
      severity: "SEV-3",
      hypothesis: "H2",
      vaultResourceId: VAULT,
      principal: KEY.callerObjectId,
      role: "Key Vault Secrets User",
      workspace: undefined,
    };
    const d = idsOpened({ controlPlane: { findings: [finding], readVaults: [VAULT], clean: true } });
    expect(d).toEqual([["control-plane", "58da9b99d69e6f56", "control-plane"]]);
    expect(digest64(`control-plane|${id}`)).toBe("58da9b99d69e6f56");
  });

  it("the monitor: one ID, whatever it cannot reach", () => {
    const blind = idsOpened({ signal: { status: "failed", problem: "403" } });
    const tokenless = idsOpened({ monitorTokenProblem: "no token for management.azure.com" });
    expect(blind).toEqual([["monitor", "c1bc35512edd6b9e", "monitor"]]);
    expect(tokenless).toEqual(blind);
    expect(digest64("monitor|self")).toBe("c1bc35512edd6b9e");
  });
});
