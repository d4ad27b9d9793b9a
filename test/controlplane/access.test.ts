import { describe, expect, it } from "vitest";
import { compareAccess, type AccessInput } from "../../src/core/controlplane/access.js";
import type { ActivityChange } from "../../src/core/controlplane/activity.js";
import type { AccessExpectation } from "../../src/core/controlplane/config.js";
import { builtInRole, type RoleInfo } from "../../src/core/controlplane/roles.js";
import type { RoleAssignmentView, VaultConfig } from "../../src/core/controlplane/views.js";
import {
  assignment,
  at,
  change,
  expecting,
  GROUP_OID,
  ORDERS_OID,
  OTHER_VAULT,
  policy,
  RG,
  ROLE,
  SUB,
  VAULT,
  vaultConfig,
  vaultRef,
} from "./fixtures.js";

const CUSTOM_GUID = "c0ffee00-1111-4222-8333-444455556666";
const customSecretReader: RoleInfo = {
  guid: CUSTOM_GUID,
  name: "Orders Secret Reader",
  actions: [],
  notActions: [],
  dataActions: [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ],
  notDataActions: [],
  builtIn: false,
};
/** Everything on secrets but writing: it can still back secrets up, which exports them. */
const customSecretsNoWrite: RoleInfo = {
  ...customSecretReader,
  name: "Orders Secrets No Write",
  dataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
  notDataActions: [
    "Microsoft.KeyVault/vaults/secrets/setSecret/action",
    "Microsoft.KeyVault/vaults/secrets/delete",
    "Microsoft.KeyVault/vaults/secrets/purge/action",
  ],
};

function run(p: {
  config?: VaultConfig;
  assignments?: RoleAssignmentView[];
  elsewhere?: RoleAssignmentView[];
  expect?: AccessExpectation[];
  activity?: ActivityChange[];
  custom?: RoleInfo[];
}) {
  const roles = new Map<string, RoleInfo>();
  for (const a of [...(p.assignments ?? []), ...(p.elsewhere ?? [])]) {
    const known = builtInRole(a.roleGuid) ?? p.custom?.find((c) => c.guid === a.roleGuid);
    if (known) roles.set(a.roleGuid, known);
  }
  const input: AccessInput = {
    principal: { name: "id-func-orders", objectId: ORDERS_OID, groupObjectIds: [GROUP_OID] },
    vault: vaultRef(),
    expectations: p.expect ?? [expecting("Key Vault Secrets User")],
    assignments: p.assignments ?? [],
    elsewhere: p.elsewhere ?? [],
    roles,
    config: p.config ?? vaultConfig(),
    activity: p.activity ?? [],
    now: at(10),
  };
  return compareAccess(input);
}

const brief = (fs: ReturnType<typeof run>) =>
  fs.map((f) => ({ kind: f.kind, hypothesis: f.hypothesis, severityHint: f.severityHint }));

describe("comparing the access a principal holds on a vault with what the config expects", () => {
  const cases: { name: string; input: Parameters<typeof run>[0]; want: ReturnType<typeof brief>; evidence?: RegExp }[] =
    [
      {
        name: "an identity holding exactly Key Vault Secrets User on the vault raises nothing",
        input: { assignments: [assignment(ROLE.secretsUser, VAULT)] },
        want: [],
      },
      {
        name: "a deleted role assignment is a missing role (H2), with who deleted it from AzureActivity",
        input: {
          assignments: [],
          activity: [
            change("role-assignment-delete", 1, {
              operation: "microsoft.authorization/roleassignments/delete",
              principalId: ORDERS_OID,
              roleDefinitionId: `/subscriptions/${SUB}/providers/microsoft.authorization/roledefinitions/${ROLE.secretsUser}`,
              caller: "deploy-pipeline@contoso.com",
            }),
          ],
        },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence: /role assignment deleted by deploy-pipeline@contoso.com at 2026-11-23 01:01 UTC/,
      },
      {
        name: "holding only Key Vault Reader is a missing role that says what the held role lacks",
        input: { assignments: [assignment(ROLE.reader, VAULT)] },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence:
          /holds Key Vault Reader at vault kv-orders-prod, which does not grant what Key Vault Secrets User does/,
      },
      {
        name: "a role on a single secret is the wrong scope, not a missing role",
        input: { assignments: [assignment(ROLE.secretsUser, `${VAULT}/secrets/db-password`)] },
        want: [{ kind: "role-wrong-scope", hypothesis: "H2", severityHint: "SEV-3" }],
        evidence: /secret db-password in vault kv-orders-prod/,
      },
      {
        name: "a role on another vault is the wrong scope, and nothing on this vault works",
        input: { elsewhere: [assignment(ROLE.secretsUser, OTHER_VAULT)] },
        want: [{ kind: "role-wrong-scope", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence: /vault kv-orders-dr/,
      },
      {
        name: "Secrets User granted on the resource group works but reaches every vault there",
        input: { assignments: [assignment(ROLE.secretsUser, RG)] },
        want: [{ kind: "role-wrong-scope", hypothesis: undefined, severityHint: "SEV-4" }],
        evidence: /reaches every vault under resource group rg-orders-prod/,
      },
      {
        name: "Secrets User on the resource group is fine where the config allows that scope",
        input: {
          assignments: [assignment(ROLE.secretsUser, RG)],
          expect: [expecting("Key Vault Secrets User", "resource-group")],
        },
        want: [],
      },
      {
        name: "Key Vault Administrator where Secrets User is enough is over-broad, and access works",
        input: { assignments: [assignment(ROLE.administrator, VAULT)] },
        want: [{ kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-4" }],
        evidence: /Key Vault Administrator also allows Microsoft.KeyVault\/vaults\/\*/,
      },
      {
        name: "Secrets Officer where Secrets User is enough is over-broad",
        input: { assignments: [assignment(ROLE.secretsOfficer, VAULT)] },
        want: [{ kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-4" }],
      },
      {
        name: "Owner on the resource group grants no secret access: the role is missing, and Owner is over-broad",
        input: { assignments: [assignment(ROLE.owner, RG)] },
        want: [
          { kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" },
          { kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-3" },
        ],
        evidence: /Owner allows Microsoft.Authorization\/roleAssignments\/write.*: it can grant itself any access/,
      },
      {
        name: "a custom role whose data actions cover Secrets User satisfies it",
        input: { assignments: [assignment(CUSTOM_GUID, VAULT)], custom: [customSecretReader] },
        want: [],
      },
      {
        name: "a custom role that excludes secret writes still grants more than Secrets User (backup exports secrets)",
        input: { assignments: [assignment(CUSTOM_GUID, VAULT)], custom: [customSecretsNoWrite] },
        want: [{ kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-4" }],
        evidence: /Orders Secrets No Write also allows Microsoft.KeyVault\/vaults\/secrets\/\*/,
      },
      {
        name: "holding Key Vault Reader next to Secrets User is not over-broad: reading metadata is not",
        input: { assignments: [assignment(ROLE.secretsUser, VAULT), assignment(ROLE.reader, VAULT)] },
        want: [],
      },
      {
        name: "a custom role that could not be read leaves the role missing and says so",
        input: { assignments: [assignment(CUSTOM_GUID, VAULT)] },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence: new RegExp(`role ${CUSTOM_GUID} at vault kv-orders-prod could not be read`),
      },
      {
        name: "an access policy in a vault that uses RBAC is a permission model mismatch (H4), not a missing role",
        input: { config: vaultConfig({ accessPolicies: [policy({ secrets: ["get", "list"] })] }) },
        want: [{ kind: "permission-model-mismatch", hypothesis: "H4", severityHint: "SEV-2" }],
        evidence: /the vault uses Azure RBAC: the access policy for id-func-orders \(secrets: get, list\) is ignored/,
      },
      {
        name: "in access-policy mode, a policy with secrets get satisfies Secrets User",
        input: {
          config: vaultConfig({
            permissionModel: "access-policies",
            accessPolicies: [policy({ secrets: ["get", "list"] })],
          }),
        },
        want: [],
      },
      {
        name: "in access-policy mode, no policy for the principal is a missing role, with who last changed the policies",
        input: {
          config: vaultConfig({ permissionModel: "access-policies" }),
          activity: [
            change("vault-access-policy-write", 2, {
              operation: "microsoft.keyvault/vaults/accesspolicies/write",
              scope: `${VAULT}/accesspolicies/remove`,
              caller: "bob@contoso.com",
            }),
          ],
        },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence: /vault or its access policies changed by bob@contoso.com at 2026-11-23 01:02 UTC/,
      },
      {
        name: "in access-policy mode, a policy without get names the missing permission",
        input: {
          config: vaultConfig({ permissionModel: "access-policies", accessPolicies: [policy({ secrets: ["list"] })] }),
        },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
        evidence: /the access policy for id-func-orders lacks secrets: get/,
      },
      {
        name: "an RBAC role in a vault that uses access policies is a permission model mismatch (H4)",
        input: {
          config: vaultConfig({ permissionModel: "access-policies" }),
          assignments: [assignment(ROLE.secretsUser, VAULT)],
        },
        want: [{ kind: "permission-model-mismatch", hypothesis: "H4", severityHint: "SEV-2" }],
        evidence: /the vault uses access policies: Key Vault Secrets User at vault kv-orders-prod does not apply/,
      },
      {
        name: "a policy granting delete and purge where Secrets User is enough is over-broad",
        input: {
          config: vaultConfig({
            permissionModel: "access-policies",
            accessPolicies: [policy({ secrets: ["delete", "get", "list", "purge"] })],
          }),
        },
        want: [{ kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-4" }],
        evidence: /beyond reading, it also grants secrets: delete, purge/,
      },
      {
        name: "Contributor on a vault that uses access policies can write them: over-broad",
        input: {
          config: vaultConfig({ permissionModel: "access-policies", accessPolicies: [policy({ secrets: ["get"] })] }),
          assignments: [assignment(ROLE.contributor, RG)],
        },
        want: [{ kind: "role-over-broad", hypothesis: undefined, severityHint: "SEV-3" }],
        evidence:
          /Contributor allows Microsoft.KeyVault\/vaults\/accessPolicies\/write, Microsoft.KeyVault\/vaults\/write/,
      },
      {
        name: "two expected roles are judged each on its own: Crypto User present, Secrets User missing",
        input: {
          assignments: [assignment(ROLE.cryptoUser, VAULT)],
          expect: [expecting("Key Vault Crypto User"), expecting("Key Vault Secrets User")],
        },
        want: [{ kind: "role-missing", hypothesis: "H2", severityHint: "SEV-2" }],
      },
    ];

  it.each(cases)("$name", ({ input, want, evidence }) => {
    const found = run(input);
    expect(brief(found)).toEqual(want);
    if (evidence) expect(found.flatMap((f) => f.evidence).join("\n")).toMatch(evidence);
  });

  it("names the principal, role and vault so on-call can act, and keeps the finding's id stable across ticks", () => {
    const first = run({ assignments: [] });
    const again = run({ assignments: [] });
    expect(first[0]?.summary).toBe("id-func-orders lacks Key Vault Secrets User on vault kv-orders-prod");
    expect(first[0]?.subject).toEqual({
      vaultResourceId: VAULT,
      principal: { name: "id-func-orders", objectId: ORDERS_OID },
      role: "Key Vault Secrets User",
    });
    expect(again.map((f) => f.id)).toEqual(first.map((f) => f.id));
  });
});
