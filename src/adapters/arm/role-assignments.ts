import type { AuthorizationManagementClient, RoleAssignment, RoleDefinition } from "@azure/arm-authorization";
import { armSdk } from "./lazy-sdk.js";
import { lastSegment, normalizeId } from "../../core/controlplane/arm-ids.js";
import type { ArmRead, RoleAssignmentReader } from "../../core/controlplane/ports.js";
import { builtInRole, type RoleInfo } from "../../core/controlplane/roles.js";
import type { RoleAssignmentView } from "../../core/controlplane/views.js";
import { armRead, coreClientOptions, subscriptionOf, type ArmAdapterOptions } from "./options.js";
import { RoleAssignmentPage, withCheckedBodies } from "./answer-shapes.js";

/**
 * Role assignments and role names through @azure/arm-authorization (api-version 2022-04-01).
 * `principalId eq` lists the principal's direct assignments at, above and below the scope; group
 * memberships are not expanded. Role names come from the built-in table first; a custom role is
 * read once per process and kept (role definitions change rarely; a restart refreshes them).
 */
export function createRoleAssignmentReader(o: ArmAdapterOptions): RoleAssignmentReader {
  const clients = new Map<string, AuthorizationManagementClient>();
  const client = (scope: string) => {
    // The client wants a subscription even though scope-based operations do not use it.
    const sub = subscriptionOf(scope) ?? "00000000-0000-0000-0000-000000000000";
    let c = clients.get(sub);
    if (!c) {
      c = new (armSdk.authorization().AuthorizationManagementClient)(o.credential, sub, coreClientOptions(o));
      clients.set(sub, c);
    }
    return c;
  };
  const roles = new Map<string, RoleInfo>();

  return {
    listForPrincipal(scope, principalId) {
      return armRead(o, scope, (abortSignal) =>
        withCheckedBodies(
          RoleAssignmentPage,
          (why) =>
            `Resource Manager answered 200 with no list of role assignments for ${scope}; vaultwatch cannot judge access there (${why})`,
          async (onResponse) => {
            const out: RoleAssignmentView[] = [];
            // The URL template is "/{scope}/providers/...": a scope with its leading slash gives "//subscriptions".
            const pages = client(scope).roleAssignments.listForScope(relative(scope), {
              filter: `principalId eq '${principalId}'`,
              abortSignal,
              onResponse,
            });
            for await (const ra of pages) out.push(toView(ra));
            return out;
          },
        ),
      );
    },

    async resolveRole(roleGuid, scope): Promise<ArmRead<RoleInfo>> {
      const guid = roleGuid.toLowerCase();
      const known = builtInRole(guid) ?? roles.get(guid);
      if (known) return { ok: true, value: known };
      // Read at the vault's scope: Reader there is enough, where reading at the subscription may not be.
      const read = await armRead(o, scope, (abortSignal) =>
        client(scope).roleDefinitions.get(relative(scope), guid, { abortSignal }),
      );
      if (!read.ok) return read;
      const info = toRoleInfo(guid, read.value);
      roles.set(guid, info);
      return { ok: true, value: info };
    },
  };
}

function relative(scope: string): string {
  return scope.replace(/^\/+/, "");
}

function toView(ra: RoleAssignment): RoleAssignmentView {
  return {
    id: normalizeId(ra.id ?? ""),
    scope: normalizeId(ra.scope ?? ""),
    roleGuid: lastSegment(ra.roleDefinitionId ?? ""),
    principalId: (ra.principalId ?? "").toLowerCase(),
    // "ServicePrincipal", "User" or "Group": a group's assignment is how its members hold the role
    // (controlplane/roles.ts holdersOf), lost with a membership that only Entra ID's audit log shows.
    principalType: ra.principalType ?? "",
    condition: ra.condition ?? undefined,
    createdOn: ra.createdOn ?? undefined,
  };
}

function toRoleInfo(guid: string, rd: RoleDefinition): RoleInfo {
  const perms = rd.permissions ?? [];
  return {
    guid,
    name: rd.roleName ?? `role ${guid}`,
    actions: perms.flatMap((p) => p.actions ?? []),
    notActions: perms.flatMap((p) => p.notActions ?? []),
    dataActions: perms.flatMap((p) => p.dataActions ?? []),
    notDataActions: perms.flatMap((p) => p.notDataActions ?? []),
    builtIn: rd.roleType === "BuiltInRole",
  };
}
