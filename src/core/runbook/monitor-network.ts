import type { IncidentSnapshot, QueryFailureReason } from "../model/index.js";
import { queryOrNothing, type RunbookStep, shellQuote, timeFilter, type TimeRange } from "./syntax.js";
import { kqlMinutes, kqlString } from "../queries/kql.js";
import { BIN_MINUTES } from "../signals/bin.js";
import { appOf } from "../model/subject.js";
import { rejectedChannelsOf } from "../notify/rejected-channels.js";
import { channelSteps } from "./channel-steps.js";

/**
 * Steps for the two incidents that are not about one vault: the monitor's own blindness and an
 * app's network outage (playbook H6). Settings the monitor reads appear as <SETTING> placeholders:
 * the operator has them in the Function App's configuration.
 */
export function monitorSteps(incident: IncidentSnapshot): RunbookStep[] {
  // A channel that rejects notices is fixed in its own settings, not in Log Analytics.
  const [channel] = rejectedChannelsOf(incident);
  if (channel) return channelSteps(channel);
  const cause = incident.triggers.find((t) => t.kind === "monitor" && t.source !== "token");
  return [
    ...(cause?.kind === "monitor" ? stepsForCause(cause.cause) : []),
    {
      title: "Run a query as the monitor would, to see the error yourself",
      command: `az monitor log-analytics query --workspace <LOG_ANALYTICS_WORKSPACE_ID> --analytics-query "print now()" --output table`,
    },
    {
      title: "Check the monitor's identity still holds Log Analytics Reader on the workspace",
      command:
        "az role assignment list --assignee <AZURE_CLIENT_ID> --all --query \"[?roleDefinitionName=='Log Analytics Reader'].scope\" --output table",
    },
    {
      title: "Read the monitor's own errors (token, throttling, timeouts) from its invocation logs",
      kql: monitorKql(),
    },
    {
      title:
        "Check Azure Service Health for Log Analytics or Entra ID incidents in the workspace's region; vault incidents stay muted until the monitor reads again",
    },
  ];
}

/** What to do first when the workspace query said why it failed. */
function stepsForCause(cause: QueryFailureReason | undefined): RunbookStep[] {
  switch (cause) {
    case "forbidden":
      return [
        {
          // Azure RBAC: a new assignment can take up to 10 minutes to take effect
          // (learn.microsoft.com/azure/role-based-access-control/troubleshooting).
          title:
            "The workspace answered 403: grant the monitor's identity Log Analytics Reader on the workspace (it takes effect within about 10 minutes)",
          command:
            'az role assignment create --assignee <AZURE_CLIENT_ID> --role "Log Analytics Reader" --scope <LOG_ANALYTICS_WORKSPACE_RESOURCE_ID>',
        },
      ];
    case "unauthorized":
      return [
        {
          title:
            "The monitor could not authenticate to Log Analytics: check that AZURE_CLIENT_ID names a managed identity assigned to the Function App",
          command:
            "az functionapp identity show --name <function-app> --resource-group <resource-group> --query userAssignedIdentities",
        },
      ];
    case "not-found":
      return [
        {
          title:
            "The workspace answered 404: check that LOG_ANALYTICS_WORKSPACE_ID is the workspace ID (a GUID) of an existing workspace",
          command: `az monitor log-analytics workspace list --query "[?customerId=='<LOG_ANALYTICS_WORKSPACE_ID>'].id" --output tsv`,
        },
      ];
    case "throttled":
      return [
        {
          title:
            "The workspace answered 429: the query API allows 200 requests per 30 s per identity; look for other jobs querying as the monitor's identity",
        },
      ];
    default:
      return [];
  }
}

/** The monitor's own warnings and errors, over the last hour or over `range`. */
export function monitorKql(range?: TimeRange): string {
  return `FunctionAppLogs\n${timeFilter(range)}\n| where FunctionName == "monitor" and Level in ("Warning", "Error")\n| project TimeGenerated, Level, Message\n| order by TimeGenerated desc\n| take 50`;
}

/** An app's dependency calls by target and result code, over the last hour or over `range`. */
export function networkKql(app: string, range?: TimeRange): string {
  return `AppDependencies\n${timeFilter(range)}\n| where AppRoleName == ${kqlString(app)}\n| summarize Calls = count(), Failed = countif(Success == false) by Target, ResultCode, bin(TimeGenerated, ${kqlMinutes(BIN_MINUTES)})\n| order by TimeGenerated desc`;
}

/**
 * The host name in a dependency target, or undefined when there is none. Application Insights
 * writes targets as the SDK saw them: "host:port", a URL, or "server | database" for SQL.
 * Only the host can go into nslookup; the rest would become shell syntax or a wrong name.
 */
export function hostOf(target: string): string | undefined {
  const rest = target
    .trim()
    .replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, "")
    .replace(/^[^/@\s]*@/, "");
  const ipv6 = /^\[([0-9A-Fa-f:.]+)\]/.exec(rest);
  if (ipv6) return ipv6[1]!.includes(":") ? ipv6[1] : undefined;
  const host = /^[A-Za-z0-9_.-]+/.exec(rest)?.[0].replace(/\.$/, "");
  if (!host || host.length > 253) return undefined;
  const labels = host.split(".");
  return labels.every((l) => l.length > 0 && l.length <= 63 && !l.startsWith("-") && !l.endsWith("-"))
    ? host
    : undefined;
}

export function networkSteps(incident: IncidentSnapshot): RunbookStep[] {
  const t = incident.triggers.find((x) => x.kind === "network");
  const app = appOf(incident.subject) ?? "<app>";
  const hosts = [
    ...new Set((t?.kind === "network" ? t.targets : []).map(hostOf).filter((h): h is string => h !== undefined)),
  ];
  const vaults = [
    ...new Set(hosts.filter((h) => h.toLowerCase().endsWith(".vault.azure.net")).map((h) => h.split(".")[0]!)),
  ];
  const steps: RunbookStep[] = [
    {
      title: `See which calls of ${app} fail without an answer, by target and result code`,
      kql: queryOrNothing(() => networkKql(app)),
    },
    {
      title: `Resolve the targets from ${app}'s network (Kudu console or a VM in the same VNet): a public address where a private endpoint is expected is a DNS problem`,
      command:
        hosts.length > 0
          ? hosts
              .slice(0, 3)
              .map((h) => `nslookup ${shellQuote(h)}`)
              .join(" && ")
          : "nslookup <target host>",
    },
  ];
  for (const v of vaults.slice(0, 2)) {
    steps.push({
      title: `Check ${v}'s firewall and private endpoints`,
      command: `az keyvault show --name ${shellQuote(v)} --query "{publicNetworkAccess:properties.publicNetworkAccess, defaultAction:properties.networkAcls.defaultAction, privateEndpoints:properties.privateEndpointConnections[].id}" --output json`,
    });
  }
  steps.push({
    title: `Check Azure Service Health for the targets' region; ${app}'s auth incidents stay muted while this one fires (they are symptoms)`,
  });
  return steps;
}
