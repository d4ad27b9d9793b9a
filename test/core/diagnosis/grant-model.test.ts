import { describe, expect, it } from "vitest";
import { diagnose, topHypothesis } from "../../../src/core/diagnosis/index.js";
import type { DiagnosisInput } from "../../../src/core/diagnosis/index.js";
import { aChange, anInput, at, kvCounts } from "./fixtures.js";

/**
 * The playbooks' H2 and H4 exactly: H2 is the access missing in the permission model the vault
 * uses (a role, or a permission of an access policy); H4 is a grant held in the other model.
 */

const top = (input: DiagnosisInput) => {
  const t = topHypothesis(diagnose(input));
  return { id: t.id, verdict: t.verdict, confirming: t.confirming };
};

/** kv-orders-prod on access policies; the app's new release lists the vault's secrets (SecretList) as well as reading them. */
const listRefused = (o: Partial<DiagnosisInput> = {}) =>
  anInput({
    kv: kvCounts({
      succeeded: 200,
      forbiddenPolicy: 24,
      firstFailureAt: at("01:03"),
      lastFailureAt: at("01:10"),
      operations: ["SecretGet", "SecretList"],
    }),
    ...o,
  });

/** The policy grants secrets get, all the app needed until it started listing. */
const getOnlyPolicy = {
  vault: { enableRbacAuthorization: false },
  access: { hasAccessPolicy: true, accessPolicy: { secrets: ["get"], keys: [], certificates: [] } },
} satisfies Partial<DiagnosisInput>;

/** The vault switched to RBAC at 00:58 under a caller that holds only an access policy: every call denied by RBAC. */
const switchedToRbac = (o: Partial<DiagnosisInput> = {}) =>
  anInput({
    kv: kvCounts({
      succeeded: 40,
      forbiddenRbac: 91,
      firstFailureAt: at("01:00"),
      lastFailureAt: at("01:10"),
      operations: ["SecretGet", "SecretList"],
    }),
    ...o,
  });

describe("a permission missing from an access policy is H2", () => {
  it("from the logs alone: access-policy denials name the missing permission's model, not a mismatch", () => {
    expect(top(listRefused())).toMatchObject({
      id: "H2",
      verdict: "possible",
      confirming: [
        "24 of 24 denials (100%) were access-policy denials (isAccessPolicyMatch=false): kv-orders-prod uses access policies and id-func-orders's does not grant what it calls",
      ],
    });
  });

  it("from the control plane: the policy grants get, and the failing SecretList needs list", () => {
    const d = diagnose(listRefused(getOnlyPolicy));
    expect(topHypothesis(d)).toMatchObject({ id: "H2", verdict: "likely" });
    expect(topHypothesis(d).confirming).toContain(
      "the access policy for id-func-orders on kv-orders-prod grants secrets: get, not the secrets: list SecretList needs (control-plane check)",
    );
    expect(d.ranked.find((h) => h.id === "H4")?.verdict).toBe("unlikely");
  });

  it("an infrastructure-as-code run that replaced the access policies before the first denial is H2", () => {
    const d = diagnose(
      listRefused({
        kv: kvCounts({ forbiddenPolicy: 60, firstFailureAt: at("01:03"), lastFailureAt: at("01:10") }),
        changes: [aChange("vault-access-policy-write", at("01:02"), { caller: "iac-pipeline@contoso.com" })],
      }),
    );
    expect(topHypothesis(d)).toMatchObject({ id: "H2", verdict: "likely" });
    expect(d.decidedBy).toBe(
      "access policies of kv-orders-prod changed at 01:02 UTC by iac-pipeline@contoso.com, 1 minute before the first 403: its access policies now refuse id-func-orders",
    );
  });

  it("a vault write followed by access-policy denials replaced the policies: H2 as well", () => {
    const d = diagnose(
      listRefused({
        kv: kvCounts({ forbiddenPolicy: 60, firstFailureAt: at("01:03"), lastFailureAt: at("01:10") }),
        changes: [aChange("vault-write", at("01:01"), { caller: "iac-pipeline@contoso.com" })],
      }),
    );
    expect(topHypothesis(d).id).toBe("H2");
    expect(d.ranked.find((h) => h.id === "H4")?.confirming).toEqual([]);
  });

  it("a policy that grants what the app calls rules H2 out on a policy vault", () => {
    const d = diagnose(
      listRefused({
        ...getOnlyPolicy,
        access: { hasAccessPolicy: true, accessPolicy: { secrets: ["get", "list"], keys: [], certificates: [] } },
      }),
    );
    expect(d.ranked.find((h) => h.id === "H2")?.disproving).toContain(
      "the access policy for id-func-orders on kv-orders-prod grants secrets: get, list, all that SecretGet, SecretList needs (control-plane check)",
    );
  });
});

describe("a grant held in the other permission model is H4", () => {
  it("from the logs alone: a vault write before the first RBAC denial, with no role deleted, is the switch to RBAC", () => {
    const d = diagnose(
      switchedToRbac({ changes: [aChange("vault-write", at("00:58"), { caller: "platform-team@contoso.com" })] }),
    );
    expect(topHypothesis(d)).toMatchObject({ id: "H4", verdict: "likely" });
    expect(d.decidedBy).toContain("kv-orders-prod updated at 00:58 UTC by platform-team@contoso.com");
  });

  it("from the control plane: an RBAC vault ignores the caller's access policy, and the caller holds no role", () => {
    const d = diagnose(
      switchedToRbac({
        vault: { enableRbacAuthorization: true },
        access: { hasAccessPolicy: true, accessPolicy: { secrets: ["get", "list"], keys: [], certificates: [] } },
      }),
    );
    expect(topHypothesis(d)).toMatchObject({ id: "H4", verdict: "likely" });
    expect(d.decidedBy).toBe(
      "kv-orders-prod uses RBAC (enableRbacAuthorization=true): the access policy id-func-orders holds (secrets: get, list) is ignored and it has no role that grants the access",
    );
    expect(d.ranked.find((h) => h.id === "H2")?.disproving).toContain(
      "id-func-orders holds the access in the permission model kv-orders-prod does not use (an access policy): a model mismatch, not a missing grant (control-plane check)",
    );
  });

  it("a role held on a vault that uses access policies is H4, not a missing permission", () => {
    const d = diagnose(
      listRefused({
        vault: { enableRbacAuthorization: false },
        access: { hasRequiredRole: true, hasAccessPolicy: false },
      }),
    );
    expect(topHypothesis(d)).toMatchObject({ id: "H4", verdict: "likely" });
    expect(d.ranked.find((h) => h.id === "H2")?.verdict).toBe("unlikely");
  });

  it("a role deleted before the RBAC denials is H2 even after a vault write: the role was the grant", () => {
    const d = diagnose(
      switchedToRbac({
        changes: [aChange("vault-write", at("00:50")), aChange("role-assignment-delete", at("00:58"))],
      }),
    );
    expect(topHypothesis(d).id).toBe("H2");
    expect(d.ranked.find((h) => h.id === "H4")?.confirming).toEqual([]);
  });
});
