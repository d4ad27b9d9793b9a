import type { IncidentSnapshot, SeriesKey } from "../model/index.js";
import { appOf, callerOf, vaultOf } from "../model/subject.js";
import { callerName, vaultName } from "../model/names.js";
import { kqlMinutes, kqlString } from "../queries/kql.js";
import { monitorKql, monitorSteps, networkKql, networkSteps } from "./monitor-network.js";
import { queryOrNothing, shellQuote, timeFilter, type RunbookStep, type TimeRange } from "./syntax.js";
import { forbiddenOf } from "../signals/request-counts.js";
import { BIN_MINUTES } from "../signals/bin.js";

/** The signals' bin in KQL, so that a runbook query counts the way the monitor does. */
const BIN = kqlMinutes(BIN_MINUTES);

export { shellQuote, type RunbookStep, type TimeRange };

/**
 * The query that shows an incident's own evidence over `range`: the Key Vault audit events of
 * this caller on this vault for request rules (401s included: the audience query of a 401 runbook
 * is a next step, not the evidence), the app's failing calls for a network incident, the
 * monitor's errors for the monitor. Undefined for control-plane findings, which come from ARM,
 * not from the logs.
 */
export function evidenceKql(incident: IncidentSnapshot, range: TimeRange): string | undefined {
  switch (incident.rule) {
    case "kv-auth-denied":
      return seriesKql(incident, "denied", range);
    case "kv-throttled":
      return seriesKql(incident, "throttled", range);
    case "network":
      return queryOrNothing(() => networkKql(appOf(incident.subject) ?? "<app>", range));
    case "monitor":
      return monitorKql(range);
    case "control-plane":
      return undefined;
  }
}

/**
 * The data-plane role a caller needs for the operations that failed. Least privilege: never
 * Key Vault Administrator for an app that only reads.
 */
export function roleFor(operations: readonly string[]): string {
  const has = (prefix: string) => operations.some((o) => o.startsWith(prefix));
  if (has("Key")) return "Key Vault Crypto User";
  if (has("Certificate")) return "Key Vault Certificate User";
  return "Key Vault Secrets User";
}

/**
 * Runbook steps for an incident, written from the playbooks (docs/reference/playbooks.md, "Runbook
 * facts"), with the real names filled in.
 */
export function runbookFor(incident: IncidentSnapshot): RunbookStep[] {
  const vault = vaultName(vaultOf(incident.subject));
  const caller = callerName(callerOf(incident.subject));
  const oid = caller.objectId ? shellQuote(caller.objectId) : "<object-id>";
  const rg = vault.resourceGroup ? shellQuote(vault.resourceGroup) : "<resource-group>";
  const name = shellQuote(vault.name);
  const scope = shellQuote(vault.id);
  const steps: RunbookStep[] = [];

  if (incident.rule === "control-plane")
    return controlPlaneSteps(incident, vault, caller.objectId || "<object-id>", oid, rg);
  if (incident.rule === "monitor") return monitorSteps(incident);
  if (incident.rule === "network") return networkSteps(incident);

  if (incident.rule === "kv-throttled") {
    steps.push({
      title: `See which operations ${caller.name ?? caller.label} repeats on ${vault.name}`,
      kql: seriesKql(incident, "throttled"),
    });
    steps.push({
      title: "Check the vault's throttling metric (429s by operation type)",
      command: `az monitor metrics list --resource ${scope} --metric ServiceApiResult --filter "StatusCode eq '429'" --interval PT5M --output table`,
    });
    steps.push({
      title:
        "Cache secrets in the app instead of reading the vault per request (read at startup, refresh on a timer); SDKs back off 1-2-4-8-16 s on 429",
    });
    return steps;
  }

  const mostlyUnauthorized = incident.counts.unauthorized > forbiddenOf(incident.counts);
  if (mostlyUnauthorized) {
    // 401: the token is missing, expired or for the wrong audience (H1, H5 in the playbooks).
    steps.push(identityCheck(caller));
    steps.push({
      title:
        "Check the app requests tokens for the Key Vault audience (https://vault.azure.net/.default), not ARM or a custom scope",
      kql: `AppTraces\n| where TimeGenerated > ago(2h)\n| where Message has_any ("AADSTS500011", "invalid audience", "ManagedIdentityCredential")\n| project TimeGenerated, AppRoleName, SeverityLevel, Message\n| order by TimeGenerated desc\n| take 50`,
    });
  }
  steps.push({
    title: `Confirm ${vault.name}'s permission model and network access`,
    command: `az keyvault show --name ${name} --resource-group ${rg} --query "{rbac:properties.enableRbacAuthorization, publicNetworkAccess:properties.publicNetworkAccess, defaultAction:properties.networkAcls.defaultAction}" --output json`,
  });
  steps.push({
    title: `List the role assignments of ${caller.name ?? caller.label} on the vault, inherited ones included`,
    command: `az role assignment list --assignee ${oid} --scope ${scope} --include-inherited --output table`,
  });
  steps.push({
    title: "Look for role assignment or vault changes just before the first failure",
    command: `az monitor activity-log list --resource-group ${rg} --offset 2h --query "[?contains(operationName.value, 'roleAssignments') || contains(operationName.value, 'Microsoft.KeyVault/vaults')].{time:eventTimestamp, operation:operationName.value, caller:caller, status:status.value}" --output table`,
  });
  if (!mostlyUnauthorized) steps.push(identityCheck(caller));
  const role = roleFor(incident.counts.operations);
  steps.push({
    title: `If the vault uses RBAC and the role is missing, grant ${role} at the vault scope (not Administrator), then allow 5-10 minutes for propagation`,
    command: `az role assignment create --assignee-object-id ${oid} --assignee-principal-type ServicePrincipal --role ${shellQuote(role)} --scope ${scope}`,
  });
  steps.push({
    title: "If the vault uses access policies instead, grant the matching permissions there",
    command: `az keyvault set-policy --name ${name} --resource-group ${rg} --object-id ${oid} ${policyPermissions(incident.counts.operations)}`,
  });
  steps.push({
    title: "Verify recovery: denials fall to zero while calls succeed (run before closing)",
    kql: seriesKql(incident, "denied"),
  });
  return steps;
}

function identityCheck(caller: ReturnType<typeof callerName>): RunbookStep {
  if (caller.kind === "user-assigned") {
    return {
      title: `Check that ${caller.name} still exists and is attached to the calling app`,
      command: `az identity show --ids ${shellQuote(caller.resourceId)} --query "{name:name, principalId:principalId, clientId:clientId}" --output json`,
    };
  }
  if (caller.kind === "system-assigned" && caller.host) {
    const cmd = caller.host.type.toLowerCase() === "sites" ? "functionapp" : "resource";
    const command =
      cmd === "functionapp"
        ? `az functionapp identity show --name ${shellQuote(caller.host.name)} --resource-group ${shellQuote(caller.host.resourceGroup)} --output json`
        : `az resource show --ids ${shellQuote(caller.host.id)} --query identity --output json`;
    return { title: `Check that ${caller.host.name}'s system-assigned identity is enabled and unchanged`, command };
  }
  return {
    title: `Find which app this principal belongs to`,
    command: `az ad sp show --id ${caller.objectId || caller.appId ? shellQuote(caller.objectId || caller.appId) : "<object-id>"} --query "{name:displayName, type:servicePrincipalType, appId:appId}" --output json`,
  };
}

function policyPermissions(operations: readonly string[]): string {
  const has = (prefix: string) => operations.some((o) => o.startsWith(prefix));
  const parts: string[] = [];
  if (has("Secret") || operations.length === 0) parts.push("--secret-permissions get list");
  if (has("Key")) parts.push("--key-permissions get list unwrapKey wrapKey");
  if (has("Certificate")) parts.push("--certificate-permissions get list");
  return parts.join(" ");
}

/** The verification query of a request rule's incident, in the table its vault logs to. */
function seriesKql(incident: IncidentSnapshot, focus: "denied" | "throttled", range?: TimeRange): string | undefined {
  const s = incident.subject;
  // Request rules are about a caller on a vault; no other subject has its audit events.
  return s.kind === "caller-on-vault" ? queryOrNothing(() => verificationKql(s, focus, range)) : undefined;
}

/**
 * A query an operator can paste into Log Analytics to watch this caller on this vault: over the
 * last hour, or over `range` when it is to show what happened during an incident.
 */
export function verificationKql(
  series: Pick<SeriesKey, "vaultResourceId" | "callerObjectId" | "auditTable">,
  focus: "denied" | "throttled",
  range?: TimeRange,
): string {
  const vaultId = kqlString(series.vaultResourceId);
  const oid = kqlString(series.callerObjectId);
  if (series.auditTable === "AZKVAuditLogs") {
    const measure =
      focus === "denied"
        ? "Denied = countif(HttpStatusCode in (401, 403))"
        : "Throttled = countif(HttpStatusCode == 429)";
    return [
      "AZKVAuditLogs",
      timeFilter(range),
      `| where _ResourceId =~ ${vaultId}`,
      `| where tostring(Identity.claim.oid) =~ ${oid}`,
      `| summarize Requests = count(), ${measure}, Operations = make_set(OperationName, 10) by bin(TimeGenerated, ${BIN})`,
      "| order by TimeGenerated asc",
    ].join("\n");
  }
  const measure =
    focus === "denied"
      ? "Denied = countif(httpStatusCode_d in (401, 403))"
      : "Throttled = countif(httpStatusCode_d == 429)";
  return [
    "AzureDiagnostics",
    timeFilter(range),
    '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"',
    `| where _ResourceId =~ ${vaultId}`,
    `| where tostring(column_ifexists("identity_claim_oid_g", "")) =~ ${oid}`,
    `| summarize Requests = count(), ${measure}, Operations = make_set(OperationName, 10) by bin(TimeGenerated, ${BIN})`,
    "| order by TimeGenerated asc",
  ].join("\n");
}

/**
 * Steps for a control-plane finding, by kind: what to look at, then the least change that fixes it.
 * `principal` is for reading, `oid` and `rg` are already shell words.
 */
function controlPlaneSteps(
  incident: IncidentSnapshot,
  vault: ReturnType<typeof vaultName>,
  principal: string,
  oid: string,
  rg: string,
): RunbookStep[] {
  const t = incident.triggers.find((x) => x.kind === "control-plane");
  const kind = t?.kind === "control-plane" ? t.finding : "";
  const role = (t?.kind === "control-plane" && t.role) || "Key Vault Secrets User";
  const name = shellQuote(vault.name);
  const scope = shellQuote(vault.id);
  const list: RunbookStep = {
    title: `List the role assignments of ${principal} on ${vault.name}, inherited ones included`,
    command: `az role assignment list --assignee ${oid} --scope ${scope} --include-inherited --output table`,
  };
  const history: RunbookStep = {
    title: `See who changed ${vault.name} or its role assignments, and when`,
    command: `az monitor activity-log list --resource-group ${rg} --offset 24h --query "[?contains(operationName.value, 'roleAssignments') || contains(operationName.value, 'Microsoft.KeyVault/vaults')].{time:eventTimestamp, operation:operationName.value, caller:caller}" --output table`,
  };
  const grant = (r: string) =>
    `az role assignment create --assignee-object-id ${oid} --assignee-principal-type ServicePrincipal --role ${shellQuote(r)} --scope ${scope}`;
  switch (kind) {
    case "role-missing":
    case "role-wrong-scope":
      return [
        list,
        {
          title: `Grant ${role} at the vault scope (not Administrator), then allow 5-10 minutes for propagation`,
          command: grant(role),
        },
        history,
      ];
    case "role-over-broad":
      return [
        list,
        {
          title: "Grant the least role the caller needs at the vault scope first",
          command: grant("Key Vault Secrets User"),
        },
        {
          title: `Then remove the broad role (${role}) once the narrow one works`,
          command: `az role assignment delete --assignee ${oid} --role ${shellQuote(role)} --scope ${scope}`,
        },
      ];
    case "permission-model-mismatch":
      return [
        {
          title: `Confirm ${vault.name}'s permission model`,
          command: `az keyvault show --name ${name} --resource-group ${rg} --query "{rbac:properties.enableRbacAuthorization, policies:length(properties.accessPolicies)}" --output json`,
        },
        list,
        {
          title:
            "Grant access in the model the vault uses (RBAC shown; use az keyvault set-policy for access policies)",
          command: grant(role),
        },
      ];
    case "blind-spot": {
      const workspace =
        t?.kind === "control-plane" && t.workspace ? shellQuote(t.workspace) : "<workspace resource ID>";
      return [
        {
          title: `Send ${vault.name}'s AuditEvent to the workspace vaultwatch reads (resource-specific tables)`,
          command: `az monitor diagnostic-settings create --name vaultwatch-audit --resource ${scope} --workspace ${workspace} --export-to-resource-specific true --logs '[{"category":"AuditEvent","enabled":true}]'`,
        },
        {
          title: "Check the vault's diagnostic settings",
          command: `az monitor diagnostic-settings list --resource ${scope} --output table`,
        },
      ];
    }
    case "vault-missing":
      return [
        {
          title: `Look for ${vault.name} among deleted vaults (soft delete keeps it recoverable)`,
          command: `az keyvault list-deleted --resource-type vault --query ${deletedVaultQuery(vault.name)} --output table`,
        },
        history,
      ];
    case "probe-failed":
      return [
        {
          title: `Check that the identity ${principal} exists and is attached to the app that uses it`,
          command: `az ad sp show --id ${oid} --query "{name:displayName, appId:appId, type:servicePrincipalType}" --output json`,
        },
        { title: "Check the token audience the app requests: https://vault.azure.net/.default for Key Vault" },
      ];
    default:
      return [
        {
          title: `Compare ${vault.name}'s configuration with what is expected`,
          command: `az keyvault show --name ${name} --resource-group ${rg} --query "{rbac:properties.enableRbacAuthorization, publicNetworkAccess:properties.publicNetworkAccess, defaultAction:properties.networkAcls.defaultAction, purgeProtection:properties.enablePurgeProtection}" --output json`,
        },
        history,
      ];
  }
}

/** The JMESPath filter for one deleted vault, as one shell word; the name is a JMESPath raw string inside it. */
function deletedVaultQuery(name: string): string {
  if (/^[A-Za-z0-9-]+$/.test(name)) return `"[?name=='${name}']"`;
  return shellQuote(`[?name=='${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`);
}
