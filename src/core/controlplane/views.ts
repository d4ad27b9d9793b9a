/**
 * What the ARM adapters hand to the pure decisions: plain data in our own shapes, lower-case IDs,
 * no SDK types. Nothing here holds a secret value or a token.
 */

/** One role assignment as ARM lists it. */
export interface RoleAssignmentView {
  /** Lower-case ARM ID of the assignment. */
  id: string;
  /** Lower-case scope: "/", a management group, subscription, resource group, vault, or a secret/key/certificate. */
  scope: string;
  /** Lower-case role definition GUID (the last segment of roleDefinitionId). */
  roleGuid: string;
  principalId: string;
  principalType: string;
  /** ABAC condition text, when the assignment has one; vaultwatch does not evaluate it. */
  condition: string | undefined;
  createdOn: Date | undefined;
}

/** One access policy entry of a vault in access-policy mode; permission names lower-case. */
export interface AccessPolicyView {
  objectId: string;
  applicationId: string | undefined;
  secrets: string[];
  keys: string[];
  certificates: string[];
  storage: string[];
}

/** The vault properties that decide whether an identity can get in, normalized for comparison. */
export interface VaultConfig {
  permissionModel: "rbac" | "access-policies";
  /** "Enabled" / "Disabled" as ARM reports it; "unset" when ARM omits it (treated as enabled). */
  publicNetworkAccess: string;
  networkDefaultAction: string;
  networkBypass: string;
  ipRules: string[];
  virtualNetworkRules: string[];
  softDelete: boolean;
  softDeleteRetentionDays: number | undefined;
  purgeProtection: boolean;
  accessPolicies: AccessPolicyView[];
}

/** A diagnostic setting on a vault, reduced to what the coverage check needs. */
export interface DiagnosticSettingView {
  name: string;
  /** Lower-case ARM ID of the destination workspace, when there is one. */
  workspaceId: string | undefined;
  /** AuditEvent is enabled, by category or through the `audit` / `allLogs` category groups. */
  sendsAuditEvent: boolean;
  /** "Dedicated" sends to resource-specific tables (AZKVAuditLogs); otherwise AzureDiagnostics. */
  destinationType: "AzureDiagnostics" | "Dedicated";
  /**
   * Other destinations the setting names, as ARM IDs: a storage account, an event hub
   * authorization rule (of the namespace), a partner resource, a legacy service bus rule.
   */
  otherDestinations: string[];
  /** The event hub the setting names; absent when it lets Azure pick one per category. */
  eventHubName?: string | undefined;
}

/** A vault found by Resource Graph discovery. */
export interface DiscoveredVault {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

/** What one token acquisition showed. The token itself is dropped inside the adapter. */
export type ProbeOutcome =
  | {
      ok: true;
      /**
       * The same token as the previous probe of this identity and audience: the process's token
       * cache answered, and the endpoint was not asked this time. The first probe in a process
       * can also be answered by a token another client of the process cached.
       */
      cached: boolean;
      expiresOn: Date;
    }
  | { ok: false; error: unknown; timedOut: boolean };
