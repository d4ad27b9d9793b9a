import { describe, expect, it } from "vitest";
import { compareAccess } from "../../src/core/controlplane/access.js";
import { diffVault } from "../../src/core/controlplane/drift.js";
import { parseControlPlaneConfig, type ControlPlaneConfig } from "../../src/core/controlplane/config.js";
import { builtInRole, type RoleInfo } from "../../src/core/controlplane/roles.js";
import type { RoleAssignmentView, VaultConfig } from "../../src/core/controlplane/views.js";
import { factsOf } from "../../src/app/control-plane/tick.js";
import type { ControlPlaneReport } from "../../src/app/control-plane/check-report.js";
import { diagnoseFinding, type Evidence } from "../../src/core/diagnose-finding.js";
import { callerOnVault } from "../../src/core/model/subject.js";
import { fingerprint } from "../../src/core/model/incidents.js";
import type { CallerOnVault, Evaluation, SeriesKey } from "../../src/core/model/index.js";
import { aPolicy, someCounts } from "../fixtures/incidents.js";
import {
  assignment,
  at,
  expecting,
  ORDERS_OID,
  policy,
  ROLE,
  VAULT,
  vaultConfig,
  vaultRef,
  WORKSPACE,
} from "./fixtures.js";

/**
 * One definition of H2 and H4 for both halves of the monitor: the control-plane check's finding
 * about a principal on a vault, and the diagnosis of the same principal's denials on that vault
 * from the facts the check hands the tick, name the same hypothesis.
 */

const KEY: SeriesKey = {
  vaultResourceId: VAULT,
  callerObjectId: ORDERS_OID,
  callerAppId: "",
  callerResourceId: "",
  auditTable: "AzureDiagnostics",
};

function config(): ControlPlaneConfig {
  const parsed = parseControlPlaneConfig({
    workspaces: [WORKSPACE],
    vaults: [{ resourceId: VAULT }],
    principals: [
      { name: "id-func-orders", objectId: ORDERS_OID, expect: [{ vault: VAULT, role: "Key Vault Secrets User" }] },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

/** What the check reports for one vault and id-func-orders' expected Key Vault Secrets User. */
function report(vault: VaultConfig, assignments: RoleAssignmentView[]): ControlPlaneReport {
  const roles = new Map<string, RoleInfo>();
  for (const a of assignments) roles.set(a.roleGuid, builtInRole(a.roleGuid)!);
  const findings = compareAccess({
    principal: { name: "id-func-orders", objectId: ORDERS_OID, groupObjectIds: [] },
    vault: vaultRef(),
    expectations: [expecting("Key Vault Secrets User")],
    assignments,
    elsewhere: [],
    roles,
    config: vault,
    activity: [],
    now: at(10),
  });
  return {
    checkedAt: at(10),
    vaults: [
      {
        vaultResourceId: VAULT,
        source: "listed",
        config: "read",
        permissionModel: vault.permissionModel,
        coverage: "covered",
        auditTable: "AzureDiagnostics",
      },
    ],
    findings,
    monitorProblems: [],
    snapshots: [{ vaultResourceId: VAULT, takenAt: at(10), config: vault, recentChanges: [] }],
    probes: [],
    armRequests: 0,
  };
}

/** id-func-orders denied 30 times on SecretGet, by the model the vault uses. */
function denied(model: VaultConfig["permissionModel"]): Extract<Evaluation<CallerOnVault>, { kind: "firing" }> {
  return {
    kind: "firing",
    rule: "kv-auth-denied",
    subject: callerOnVault(KEY),
    fingerprint: fingerprint("kv-auth-denied", KEY),
    counts: someCounts({
      forbiddenRbac: model === "rbac" ? 30 : 0,
      forbiddenPolicy: model === "rbac" ? 0 : 30,
      failures: 30,
      operations: ["SecretGet"],
      firstFailureAt: at(3),
      lastFailureAt: at(10),
    }),
    severity: "SEV-2",
    severityReason: "",
    triggers: [],
  };
}

function both(vault: VaultConfig, assignments: RoleAssignmentView[] = []) {
  const r = report(vault, assignments);
  const evidence: Evidence = {
    dependencyCalls: [],
    credentialTraces: [],
    hostStartup: [],
    changes: [],
    status: { changes: "ok", "dependency-calls": "ok", "credential-traces": "ok", "host-startup": "ok" },
    problems: {},
    controlPlane: factsOf(r, config()),
  };
  const d = diagnoseFinding(denied(vault.permissionModel), at(10), aPolicy(), evidence);
  return {
    finding: r.findings.map((f) => `${f.kind} ${f.hypothesis}`),
    diagnosis: `${d.top[0]?.id} ${d.top[0]?.verdict}`,
    decidedBy: d.decidedBy,
  };
}

describe("the control plane and the diagnosis draw the same H2/H4 line", () => {
  it("a vault switched to RBAC under a caller holding only an access policy: H4 on both", () => {
    const out = both(vaultConfig({ permissionModel: "rbac", accessPolicies: [policy({ secrets: ["get", "list"] })] }));
    expect(out.finding).toEqual(["permission-model-mismatch H4"]);
    expect(out.diagnosis).toBe("H4 likely");
    expect(out.decidedBy).toContain(`the access policy principal ${ORDERS_OID} holds (secrets: get, list) is ignored`);
  });

  it("an RBAC role on a vault that uses access policies: H4 on both", () => {
    const out = both(vaultConfig({ permissionModel: "access-policies" }), [assignment(ROLE.secretsUser, VAULT)]);
    expect(out.finding).toEqual(["permission-model-mismatch H4"]);
    expect(out.diagnosis).toBe("H4 likely");
  });

  it("an access policy that lacks get on a vault that uses access policies: H2 on both", () => {
    const out = both(
      vaultConfig({ permissionModel: "access-policies", accessPolicies: [policy({ secrets: ["list"] })] }),
    );
    expect(out.finding).toEqual(["role-missing H2"]);
    expect(out.diagnosis).toBe("H2 likely");
    expect(out.decidedBy).toBe(
      `the access policy for principal ${ORDERS_OID} on kv-orders-prod grants secrets: list, not the secrets: get SecretGet needs (control-plane check)`,
    );
  });

  it("access policies replaced without the caller's on a vault that stays on access policies: H2 on both", () => {
    const out = both(vaultConfig({ permissionModel: "access-policies", accessPolicies: [] }));
    expect(out.finding).toEqual(["role-missing H2"]);
    expect(out.diagnosis).toBe("H2 likely");
  });

  it("no role on an RBAC vault and no access policy either: H2 on both", () => {
    const out = both(vaultConfig({ permissionModel: "rbac" }));
    expect(out.finding).toEqual(["role-missing H2"]);
    expect(out.diagnosis).toBe("H2 likely");
  });
});

describe("a change of the access policies, as the drift check reports it", () => {
  const drift = (before: string[], after: string[]) =>
    diffVault(
      {
        vaultResourceId: VAULT,
        takenAt: at(5),
        config: vaultConfig({ permissionModel: "access-policies", accessPolicies: [policy({ secrets: before })] }),
        recentChanges: [],
      },
      vaultConfig({ permissionModel: "access-policies", accessPolicies: [policy({ secrets: after })] }),
      { vaultId: VAULT, now: at(10), activity: [], reportForMinutes: 60 },
    ).findings.map((f) => `${f.hypothesis} ${f.severityHint}`);

  it("is H2 when a permission was taken away: it is missing in the model the vault uses", () => {
    expect(drift(["get", "list"], ["get"])).toEqual(["H2 SEV-3"]);
  });

  it("reports nothing when permissions were only added: nothing is missing, and it is usually the fix", () => {
    expect(drift(["get"], ["get", "list"])).toEqual([]);
    expect(drift(["get"], ["all"])).toEqual([]);
  });
});
