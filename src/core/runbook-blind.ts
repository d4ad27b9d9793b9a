import type { IncidentSnapshot } from "./model.js";
import type { RunbookStep } from "./runbook.js";
import { kqlString } from "../queries/kql.js";

/**
 * Steps for the two incidents that are not about one vault: the monitor's own blindness and an
 * app's network outage (playbook H6). Settings the monitor reads appear as <SETTING> placeholders:
 * the operator has them in the Function App's configuration.
 */
export function monitorSteps(): RunbookStep[] {
  return [
    {
      title: "Run a query as the monitor would, to see the error yourself",
      command: `az monitor log-analytics query --workspace <LOG_ANALYTICS_WORKSPACE_ID> --analytics-query "print now()" --output table`,
    },
    {
      title: "Check the monitor's identity still holds Log Analytics Reader on the workspace",
      command: "az role assignment list --assignee <AZURE_CLIENT_ID> --all --query \"[?roleDefinitionName=='Log Analytics Reader'].scope\" --output table",
    },
    {
      title: "Read the monitor's own errors (token, throttling, timeouts) from its invocation logs",
      kql: `FunctionAppLogs\n| where TimeGenerated > ago(1h)\n| where FunctionName == "monitor" and Level in ("Warning", "Error")\n| project TimeGenerated, Level, Message\n| order by TimeGenerated desc\n| take 50`,
    },
    { title: "Check Azure Service Health for Log Analytics or Entra ID incidents in the workspace's region; vault incidents stay muted until the monitor reads again" },
  ];
}

export function networkSteps(incident: IncidentSnapshot): RunbookStep[] {
  const t = incident.triggers.find((x) => x.kind === "network");
  const app = incident.key.app ?? "<app>";
  const targets = t?.kind === "network" && t.targets.length > 0 ? t.targets : ["<target host>"];
  const vaults = targets.filter((h) => h.endsWith(".vault.azure.net")).map((h) => h.split(".")[0] ?? h);
  const steps: RunbookStep[] = [
    {
      title: `See which calls of ${app} fail without an answer, by target and result code`,
      kql: `AppDependencies\n| where TimeGenerated > ago(1h)\n| where AppRoleName == ${kqlString(app)}\n| summarize Calls = count(), Failed = countif(Success == false) by Target, ResultCode, bin(TimeGenerated, 5m)\n| order by TimeGenerated desc`,
    },
    {
      title: `Resolve the targets from ${app}'s network (Kudu console or a VM in the same VNet): a public address where a private endpoint is expected is a DNS problem`,
      command: targets.slice(0, 3).map((h) => `nslookup ${h}`).join(" && "),
    },
  ];
  for (const v of vaults.slice(0, 2)) {
    steps.push({ title: `Check ${v}'s firewall and private endpoints`, command: `az keyvault show --name ${v} --query "{publicNetworkAccess:properties.publicNetworkAccess, defaultAction:properties.networkAcls.defaultAction, privateEndpoints:properties.privateEndpointConnections[].id}" --output json` });
  }
  steps.push({ title: `Check Azure Service Health for the targets' region; ${app}'s auth incidents stay muted while this one fires (they are symptoms)` });
  return steps;
}
