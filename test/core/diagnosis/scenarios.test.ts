import { describe, expect, it } from "vitest";
import { diagnose, summarize, topHypothesis } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput, HypothesisId, Verdict } from "../../../src/core/diagnosis/index.js";
import {
  aChange,
  aDependency,
  anInput,
  APP,
  aStartupFailure,
  at,
  aTrace,
  kvCounts,
  ORDERS,
  SITE_ID,
} from "./fixtures.js";

/** The playbooks' timelines, as on-call would meet them. */

const deleted = aChange("role-assignment-delete", at("01:00"));
const restored = aChange("role-assignment-write", at("01:14"), { caller: "oncall@contoso.com" });

/** The RBAC removal: role deleted 01:00, first 403 01:03, restored 01:14 (playbook timeline). */
function rbacRemoval(now: Date, lastFailureAt: Date, o: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return anInput({
    now,
    changes: [deleted, restored].filter((c) => c.lastAt.getTime() <= now.getTime()),
    kv: kvCounts({ succeeded: 286, forbiddenRbac: 35, firstFailureAt: at("01:03"), lastFailureAt }),
    dependencyCalls: [aDependency({ succeeded: 250, forbidden: 35 })],
    ...o,
  });
}

const writtenBeforeOnset = (now: Date, lastFailureAt: Date) =>
  anInput({
    now,
    changes: [aChange("role-assignment-write", at("00:58"), { caller: "deploy-pipeline@contoso.com" })],
    kv: kvCounts({ succeeded: 40, forbiddenRbac: 30, firstFailureAt: at("01:00"), lastFailureAt }),
  });

const modelSwitched = anInput({
  now: at("01:10"),
  changes: [aChange("vault-write", at("00:58"), { caller: "platform-team@contoso.com" })],
  kv: kvCounts({
    succeeded: 10,
    forbiddenRbac: 14,
    forbiddenPolicy: 12,
    firstFailureAt: at("01:02"),
    lastFailureAt: at("01:10"),
  }),
  vault: { enableRbacAuthorization: true },
  access: { hasAccessPolicy: true, hasRequiredRole: false },
});

const roleOnPolicyVault = anInput({
  kv: kvCounts({ forbiddenPolicy: 30, firstFailureAt: at("01:02"), lastFailureAt: at("01:10") }),
  vault: { enableRbacAuthorization: false },
  access: { hasRequiredRole: true, hasAccessPolicy: false },
});

const wrongAudience = anInput({
  kv: kvCounts({ unauthorized: 20, firstFailureAt: at("01:02"), lastFailureAt: at("01:10") }),
  credentialTraces: [
    aTrace(
      "invalid-audience",
      20,
      at("01:02"),
      "AADSTS500011: The resource principal named https://vault.azure.com was not found in the tenant.",
    ),
  ],
});

const endpointUnreachable = anInput({
  caller: { objectId: "", appId: "", resourceId: "" },
  kv: kvCounts({ unauthorized: 25, firstFailureAt: at("01:02"), lastFailureAt: at("01:10") }),
  credentialTraces: [
    aTrace(
      "mi-unavailable",
      40,
      at("01:01"),
      "ManagedIdentityCredential authentication unavailable. No managed identity endpoint found.",
    ),
  ],
  dependencyCalls: [
    aDependency({ unauthorized: 25 }),
    aDependency({ connectionFailures: 40 }, { target: "169.254.169.254", dependencyType: "HTTP", targetKind: "other" }),
  ],
});

const networkOutage = anInput({
  kv: kvCounts({ succeeded: 30, forbiddenRbac: 4, firstFailureAt: at("01:02"), lastFailureAt: at("01:10") }),
  dependencyCalls: [
    aDependency({
      succeeded: 20,
      timeouts: 97,
      connectionFailures: 85,
      serverErrors: 6,
      unauthorized: 2,
      forbidden: 4,
    }),
  ],
});

const firewall = anInput({
  kv: kvCounts({ forbiddenFirewall: 30, forbiddenRbac: 1, firstFailureAt: at("01:02"), lastFailureAt: at("01:10") }),
  vault: { defaultAction: "Deny" },
});

const detachedIdentity = anInput({
  now: at("02:10"),
  caller: { objectId: "", appId: "", resourceId: "" },
  changes: [aChange("app-identity-change", at("02:00"), { scope: SITE_ID })],
  kv: kvCounts({ unauthorized: 18, firstFailureAt: at("02:01"), lastFailureAt: at("02:10") }),
  credentialTraces: [
    aTrace("uami-not-found", 30, at("02:01"), `User-assigned identity not found for clientId ${ORDERS.appId}.`),
  ],
  hostStartup: [
    aStartupFailure(
      "OrdersQueueTrigger",
      3,
      at("02:01"),
      "The listener for function 'OrdersQueueTrigger' was unable to start. ManagedIdentityCredential authentication failed.",
    ),
  ],
});

const staleTokenAfterSwap = anInput({
  now: at("02:08"),
  changes: [aChange("app-identity-change", at("02:00"), { scope: SITE_ID, caller: "platform-team@contoso.com" })],
  kv: kvCounts({ forbiddenRbac: 40, firstFailureAt: at("02:02"), lastFailureAt: at("02:08") }),
  dependencyCalls: [aDependency({ forbidden: 40 })],
});

const throttledOnly = anInput({
  kv: kvCounts({ succeeded: 500, throttled: 480, firstFailureAt: at("01:00"), lastFailureAt: at("01:10") }),
});

describe("the playbook timelines", () => {
  it.each<[string, DiagnosisInput, HypothesisId, Verdict, string]>([
    [
      "a role deleted three minutes before the first 403 reads as a missing role at 01:10, decided by the deletion",
      rbacRemoval(at("01:10"), at("01:10")),
      "H2",
      "likely",
      "role assignment Key Vault Secrets User for id-func-orders on kv-orders-prod deleted at 01:00 UTC by deploy-pipeline@contoso.com, 3 minutes before the first 403",
    ],
    [
      "the same role restored at 01:14 reads as a propagation window at 01:16, re-test at 01:24",
      rbacRemoval(at("01:16"), at("01:16")),
      "H3",
      "likely",
      "restored at 01:14 UTC by oncall@contoso.com, 2 minutes ago: inside the 10-minute propagation window, re-test at 01:24 UTC",
    ],
    [
      "failures that stopped at 01:20, six minutes after the restore, read as propagation at 01:30",
      rbacRemoval(at("01:30"), at("01:20")),
      "H3",
      "likely",
      "failures stopped in the 5-minute bin from 01:20 UTC, 6 minutes after the role assignment",
    ],
    [
      "denials still arriving 36 minutes after the restore point back at the role, not at propagation",
      rbacRemoval(at("01:50"), at("01:50")),
      "H2",
      "likely",
      "deleted at 01:00 UTC",
    ],
    [
      "a role written two minutes before the first 403 reads as propagation while the failures are five minutes old",
      writtenBeforeOnset(at("01:05"), at("01:05")),
      "H3",
      "likely",
      "written at 00:58 UTC by deploy-pipeline@contoso.com, 2 minutes before the first 403 and 7 minutes ago",
    ],
    [
      "a vault switched to RBAC while the caller holds only an access policy reads as a permission-model mismatch",
      modelSwitched,
      "H4",
      "likely",
      "kv-orders-prod uses RBAC (enableRbacAuthorization=true): the access policy id-func-orders holds is ignored",
    ],
    [
      "an access-policy vault ignoring the caller's RBAC role reads as a model mismatch",
      roleOnPolicyVault,
      "H4",
      "likely",
      "the RBAC role id-func-orders holds is ignored",
    ],
    [
      "AADSTS500011 in the app's traces reads as a wrong token audience",
      wrongAudience,
      "H5",
      "likely",
      "20 invalid-audience (AADSTS500011) errors in func-orders traces since 01:02 UTC",
    ],
    [
      "an unreachable managed identity endpoint reads as the identity missing, not as a network outage",
      endpointUnreachable,
      "H1",
      "likely",
      "40 'managed identity unavailable' errors in func-orders traces",
    ],
    [
      "timeouts and connection failures drowning a few 403s read as a network outage: auth findings are secondary",
      networkOutage,
      "H6",
      "likely",
      "188 of 194 failed calls (97%) to kv-orders-prod.vault.azure.net were timeouts (97), connection failures (85) or 5xx (6)",
    ],
    [
      "firewall denials read as the vault's network rules, not as a missing role",
      firewall,
      "H6",
      "likely",
      "30 of 31 denials (97%) were firewall denials (isAddressAuthorized=false)",
    ],
    [
      "a user-assigned identity detached from the app reads as the identity missing",
      detachedIdentity,
      "H1",
      "likely",
      "30 'user-assigned identity not found' errors in func-orders traces since 02:01 UTC",
    ],
    [
      "timeouts dominating while a restored role propagates still put the network first: H6 stays strongest until connectivity returns",
      { ...rbacRemoval(at("01:16"), at("01:16")), dependencyCalls: [aDependency({ timeouts: 400, forbidden: 10 })] },
      "H6",
      "likely",
      "400 of 410 failed calls (98%) to kv-orders-prod.vault.azure.net were timeouts (400)",
    ],
    [
      "403s right after an identity swap, while the app still gets tokens, read as a stale token",
      staleTokenAfterSwap,
      "H3",
      "likely",
      "identity of func-orders changed at 02:00 UTC by platform-team@contoso.com, 2 minutes before the first 403",
    ],
  ])("%s", (_, input, id, verdict, decidedBy) => {
    const d = diagnose(input);
    expect(topHypothesis(d)).toMatchObject({ id, verdict });
    expect(d.decidedBy).toContain(decidedBy);
  });

  it.each([
    [
      "restored at 01:14, seen at 01:16, with the playbook's 10 minutes: re-test at 01:24",
      rbacRemoval(at("01:16"), at("01:16")),
      at("01:14"),
      at("01:24"),
    ],
    [
      "restored at 01:14, seen at 01:16, allowing 5 minutes: re-test at 01:19",
      rbacRemoval(at("01:16"), at("01:16"), { propagationMinutes: 5 }),
      at("01:14"),
      at("01:19"),
    ],
    [
      "a role written at 00:58 before the first 403 at 01:00, seen at 01:05: re-test at 01:08",
      writtenBeforeOnset(at("01:05"), at("01:05")),
      at("00:58"),
      at("01:08"),
    ],
  ])(
    "a role change inside the propagation window is a re-test, not an escalation: %s",
    (_, input, changeAt, retestAt) => {
      const d = diagnose(input);
      expect(d.propagation).toMatchObject({ changeAt, retestAt });
      expect(d.propagation?.text).toContain(`re-test at ${retestAt.toISOString().slice(11, 16)} UTC`);
    },
  );

  it.each([
    ["at 01:10, before anything was restored", rbacRemoval(at("01:10"), at("01:10"))],
    ["at 01:30, after the failures stopped inside the window", rbacRemoval(at("01:30"), at("01:20"))],
    ["at 01:50, with denials outlasting the window", rbacRemoval(at("01:50"), at("01:50"))],
    [
      "when the role change is inside the window but timeouts dominate",
      { ...rbacRemoval(at("01:16"), at("01:16")), dependencyCalls: [aDependency({ timeouts: 400, forbidden: 10 })] },
    ],
  ])("no re-test time is offered %s", (_, input) => {
    expect(diagnose(input).propagation).toBeUndefined();
  });

  it.each<[string, DiagnosisInput, HypothesisId, Verdict]>([
    [
      "propagation is ruled out at 01:10 while the role is still gone",
      rbacRemoval(at("01:10"), at("01:10")),
      "H3",
      "unlikely",
    ],
    [
      "propagation is ruled out once failures run 36 minutes past the restore",
      rbacRemoval(at("01:50"), at("01:50")),
      "H3",
      "unlikely",
    ],
    [
      "a missing role is only possible once it has been restored and is propagating",
      rbacRemoval(at("01:16"), at("01:16")),
      "H2",
      "possible",
    ],
    [
      "a role written before onset with failures still coming 40 minutes later is not propagation",
      writtenBeforeOnset(at("01:40"), at("01:40")),
      "H3",
      "unlikely",
    ],
    [
      "the access-policy vault's denials do not read as a missing role when the role is held",
      roleOnPolicyVault,
      "H2",
      "unlikely",
    ],
    [
      "the detached identity's errors rule out a stale token: there is no token at all",
      detachedIdentity,
      "H3",
      "unlikely",
    ],
    ["403s from the RBAC removal rule out a wrong audience", rbacRemoval(at("01:10"), at("01:10")), "H5", "unlikely"],
    [
      "403s from the RBAC removal, with no network failures, rule out an outage",
      rbacRemoval(at("01:10"), at("01:10")),
      "H6",
      "unlikely",
    ],
  ])("%s", (_, input, id, verdict) => {
    expect(diagnose(input).ranked.find((h) => h.id === id)?.verdict).toBe(verdict);
  });

  it("says so when throttling alone explains the failures: no hypothesis is likely or even possible", () => {
    const d = diagnose(throttledOnly);
    expect(d.ranked.filter((h) => h.verdict === "likely" || h.verdict === "possible")).toEqual([]);
    expect(d.decidedBy).toBe(
      "none of H1-H6 is supported: 480 of 480 failed requests (100%) were throttled (429): load on kv-orders-prod, not an access failure; cache secrets and honour Retry-After",
    );
    expect(summarize(d)).toMatch(/^None of H1-H6 is supported: 480 of 480 failed requests/);
  });

  it("summarizes the RBAC removal at 01:10 in one line with the deletion, its author and the share of RBAC denials", () => {
    expect(summarize(diagnose(rbacRemoval(at("01:10"), at("01:10"))))).toBe(
      "H2 Role or permission missing, or at the wrong scope (likely): role assignment Key Vault Secrets User for id-func-orders on kv-orders-prod " +
        "deleted at 01:00 UTC by deploy-pipeline@contoso.com, 3 minutes before the first 403; 35 of 35 denials (100%) were RBAC denials (isRbacAuthorized=false)",
    );
  });

  it("summarizes the restore at 01:16 as propagation with the re-test time", () => {
    expect(summarize(diagnose(rbacRemoval(at("01:16"), at("01:16"))))).toBe(
      "H3 RBAC propagation delay or stale token (likely): role assignment Key Vault Secrets User for id-func-orders on kv-orders-prod " +
        "restored at 01:14 UTC by oncall@contoso.com, 2 minutes ago: inside the 10-minute propagation window, re-test at 01:24 UTC",
    );
  });

  it("names the app the identity swap happened on, from its telemetry", () => {
    expect(APP).toBe("func-orders");
    expect(topHypothesis(diagnose(staleTokenAfterSwap)).confirming.join(" ")).toContain(
      "func-orders still gets tokens after its identity changed",
    );
  });
});
