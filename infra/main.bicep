// vaultwatch: one deployment from an empty subscription to a running monitor.
// Creates the monitor's resource group and everything in it, grants the monitor's identity the
// roles listed in docs/roles.md (nothing else) and, on request, routes the monitored vaults'
// AuditEvent logs and the subscriptions' activity logs to the workspace.
// Parameters are described in docs/deploy.md; design choices in docs/adr/0101 and 0102.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('azd environment name. Names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. Flex Consumption runs in a subset of regions: az functionapp list-flexconsumption-locations.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create or reuse. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

// ---------------------------------------------------------------------------------------------
// What the monitor reads
// ---------------------------------------------------------------------------------------------

@description('Resource ID of the Log Analytics workspace that holds (or is to hold) the Key Vault AuditEvent logs. Empty: this deployment creates one in the monitor\'s resource group.')
param auditWorkspaceResourceId string = ''

@description('Comma-separated resource IDs of Key Vaults to route to the workspace and/or to grant Reader on (the two opt-ins below). The monitor itself watches every vault whose AuditEvent reaches the workspace.')
param monitoredVaultResourceIds string = ''

@description('Opt-in: create a diagnostic setting on each vault in monitoredVaultResourceIds sending AuditEvent to the workspace in resource-specific mode (table AZKVAuditLogs). Leave off for vaults that already send AuditEvent to this workspace.')
param enableVaultDiagnostics bool = false

@description('Opt-in: grant Reader (control plane, no secret access) on each vault in monitoredVaultResourceIds. The control-plane check (controlPlaneConfig) needs it to read role assignments, vault settings and diagnostic settings.')
param grantVaultReader bool = false

@allowed([
  'auto'
  'AzureDiagnostics'
  'AZKVAuditLogs'
])
@description('Where the vaults\' AuditEvent lands: auto reads both AZKVAuditLogs (resource-specific) and AzureDiagnostics (legacy).')
param keyVaultAuditTable string = 'auto'

@description('Opt-in: export the Administrative activity log of each subscription holding a monitored vault (or of this subscription when none is listed) to the workspace, for the role-assignment changes signal.')
param enableActivityLogExport bool = false

@allowed([
  'workspace'
  'classic'
  'none'
])
@description('Where the monitored apps\' Application Insights data is read: workspace (tables in the audit workspace), classic (one Application Insights resource) or none.')
param appInsightsMode string = 'workspace'

@description('Resource ID of the Application Insights component to read when appInsightsMode is classic; the monitor gets Log Analytics Reader on it.')
param appInsightsResourceId string = ''

@minValue(1)
@maxValue(168)
@description('Hours of invocations before the window that the invocations signal compares with.')
param invocationsPriorHours int = 6

@minValue(15)
@maxValue(1440)
@description('Minutes of activity log the changes signal looks back over.')
param changesLookbackMinutes int = 120

// environment() has no Log Analytics query endpoint; sovereign clouds pass their own.
@description('Log Analytics query endpoint including /v1. Change only for sovereign clouds.')
#disable-next-line no-hardcoded-env-urls
param logAnalyticsEndpoint string = 'https://api.loganalytics.io/v1'

// ---------------------------------------------------------------------------------------------
// Alerting
// ---------------------------------------------------------------------------------------------

@secure()
@minLength(8)
@description('Teams Workflows webhook URL. Stored only as a Key Vault secret; azd prompts for it and keeps it outside the repository.')
param teamsWebhookUrl string

@description('Six-field NCRONTAB (seconds first, UTC) for the monitor tick.')
param monitorSchedule string = '0 */5 * * * *'

@description('Comma-separated object IDs or identity names whose failures page as SEV-1.')
param criticalIdentities string = ''

@minValue(5)
@maxValue(1440)
param alertWindowMinutes int = 15

@minValue(1)
@maxValue(1000000)
param alertMinFailures int = 5

@minValue(0)
@maxValue(100)
param alertMinFailurePercent int = 5

@minValue(5)
@maxValue(1440)
@description('Quiet minutes before an incident resolves; at most 4 x alertWindowMinutes.')
param resolveAfterMinutes int = 15

@minValue(2)
@maxValue(1440)
param healthStaleAfterMinutes int = 15

@minValue(10)
@maxValue(600)
param queryTimeoutSeconds int = 60

@description('The control-plane check as JSON text (workspaces read, vaults, principals and the roles they should hold, audiences to probe, optional Resource Graph discovery): see docs/control-plane.md. Empty: no ARM reads. Needs grantVaultReader (or Reader on the discovered subscriptions).')
param controlPlaneConfig string = ''

@description('Azure Resource Manager endpoint for sovereign clouds; empty uses the public cloud.')
param armEndpoint string = ''

@description('Routing, repeats, acknowledgement timeouts, pending times and flap detection as JSON (docs/notifications.md). Empty: the defaults.')
param notifyConfig string = ''

@description('Comma-separated addresses that receive email notices (with enableEmail).')
param emailRecipients string = ''

@secure()
@description('PagerDuty Events v2 integration (routing) key; written to a Key Vault secret and nowhere else. Empty: no PagerDuty.')
param pagerDutyRoutingKey string = ''

@description('Events v2 enqueue URL of a PagerDuty-compatible receiver; empty uses PagerDuty.')
param pagerDutyUrl string = ''

@description('The monitor spec as JSON text (apps, their criticality and fallbacks, SLOs): see docs/evaluation.md. Empty: no SLOs, no apps marked critical.')
param monitorConfig string = ''

@description('Prefix of the state tables (<prefix>Incidents, <prefix>Monitor).')
param stateTablePrefix string = 'vaultwatch'

// ---------------------------------------------------------------------------------------------
// Hosting and options
// ---------------------------------------------------------------------------------------------

@minValue(40)
@maxValue(1000)
@description('Flex Consumption instance ceiling. The timer runs one tick at a time; the ceiling bounds the HTTP health endpoint.')
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Grant Storage Table Data Contributor on the two state tables instead of on the storage account. See docs/roles.md before turning it on.')
param tableRoleOnTablesOnly bool = false

@description('Opt-in: create an Azure Communication Services email resource (Azure-managed domain) and let the monitor send through it.')
param enableEmail bool = false

@description('Client ID of the Entra ID app registration that signs people in to the incidents and silences API (docs/access.md). Empty: App Service Authentication stays off, and nobody can acknowledge, close or silence.')
param apiClientId string = ''

@description('Where Communication Services stores email data at rest, e.g. United States, Europe, UK.')
param emailDataLocation string = 'United States'

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var rgName = !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
var tags = {
  'azd-env-name': environmentName
  application: 'vaultwatch'
}
var serviceName = 'vaultwatch' // must match the service in azure.yaml
var functionAppName = 'func-vaultwatch-${resourceToken}'
var storageAccountName = 'stvw${resourceToken}'
var keyVaultName = 'kv-vw-${resourceToken}'
var webhookSecretName = 'teams-webhook-url'
var pagerDutySecretName = 'pagerduty-routing-key'
var enablePagerDuty = !empty(pagerDutyRoutingKey)
var deploymentContainerName = 'app-package'
var stateTableNames = [
  '${stateTablePrefix}Incidents'
  '${stateTablePrefix}Monitor'
  '${stateTablePrefix}Baselines'
  '${stateTablePrefix}ControlPlane'
  '${stateTablePrefix}Silences'
  '${stateTablePrefix}Notices'
]

// The audit workspace is either the one given or the one created below; its subscription and
// resource group set the scope of the Log Analytics Reader assignment.
var createsWorkspace = empty(auditWorkspaceResourceId)
var createdWorkspaceName = 'log-vaultwatch-${resourceToken}'
var auditWorkspace = createsWorkspace
  ? {
      subscriptionId: subscription().subscriptionId
      resourceGroup: rgName
      name: createdWorkspaceName
      id: resourceId(subscription().subscriptionId, rgName, 'Microsoft.OperationalInsights/workspaces', createdWorkspaceName)
    }
  : {
      subscriptionId: split(auditWorkspaceResourceId, '/')[2]
      resourceGroup: split(auditWorkspaceResourceId, '/')[4]
      name: last(split(auditWorkspaceResourceId, '/'))
      id: auditWorkspaceResourceId
    }

var vaultIds = filter(map(split(monitoredVaultResourceIds, ','), id => trim(id)), id => !empty(id))

// Subscriptions whose activity log the opt-in export covers.
var activityLogSubscriptions = empty(vaultIds) ? [subscription().subscriptionId] : union(map(vaultIds, id => split(id, '/')[2]), [])

var readsClassicAppInsights = appInsightsMode == 'classic' && !empty(appInsightsResourceId)
// Where that component lives; a placeholder otherwise, since a module's scope is evaluated
// even when its condition is false.
var classicComponent = readsClassicAppInsights
  ? {
      subscriptionId: split(appInsightsResourceId, '/')[2]
      resourceGroup: split(appInsightsResourceId, '/')[4]
      name: last(split(appInsightsResourceId, '/'))
    }
  : {
      subscriptionId: subscription().subscriptionId
      resourceGroup: rgName
      name: 'none'
    }

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: rgName
  location: location
  tags: tags
}

// One user-assigned identity for everything the monitor touches; every role below names it.
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.6.0' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-vaultwatch-${resourceToken}'
    location: location
    tags: tags
  }
}

// The monitor's own telemetry lives here, and so do the audit logs when no workspace is given.
module telemetryWorkspace 'modules/monitoring/workspace.bicep' = {
  name: 'telemetryWorkspace'
  scope: rg
  params: {
    name: createdWorkspaceName
    location: location
    tags: tags
  }
}

module appInsights 'br/public:avm/res/insights/component:0.8.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: 'appi-vaultwatch-${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: telemetryWorkspace.outputs.resourceId
    // Ingestion only with an Entra token (the identity's Monitoring Metrics Publisher role).
    disableLocalAuth: true
    disableIpMasking: false
  }
}

module storage 'modules/data/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: stateTableNames
  }
}

module keyVault 'modules/data/key-vault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    webhookSecretName: webhookSecretName
    teamsWebhookUrl: teamsWebhookUrl
    pagerDutySecretName: pagerDutySecretName
    pagerDutyRoutingKey: pagerDutyRoutingKey
  }
}

// ---------------------------------------------------------------------------------------------
// Roles (docs/roles.md lists each one and why)
// ---------------------------------------------------------------------------------------------

module storageAccess 'modules/roles/storage-access.bicep' = {
  name: 'storageAccess'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    tableNames: stateTableNames
    principalId: identity.outputs.principalId
    tableRoleOnTablesOnly: tableRoleOnTablesOnly
  }
}

module webhookSecretAccess 'modules/roles/webhook-secret-reader.bicep' = {
  name: 'webhookSecretAccess'
  scope: rg
  params: {
    vaultName: keyVault.outputs.name
    secretName: webhookSecretName
    principalId: identity.outputs.principalId
  }
}

module pagerDutySecretAccess 'modules/roles/webhook-secret-reader.bicep' = if (enablePagerDuty) {
  name: 'pagerDutySecretAccess'
  scope: rg
  params: {
    vaultName: keyVault.outputs.name
    secretName: pagerDutySecretName
    principalId: identity.outputs.principalId
    setting: 'PAGERDUTY_ROUTING_KEY'
  }
}

module telemetryAccess 'modules/roles/telemetry-publisher.bicep' = {
  name: 'telemetryAccess'
  scope: rg
  params: {
    appInsightsName: appInsights.outputs.name
    principalId: identity.outputs.principalId
  }
}

// Scoped to the workspace's own resource group, which may be in another subscription.
module workspaceAccess 'modules/roles/workspace-reader.bicep' = {
  name: 'workspaceAccess'
  scope: resourceGroup(auditWorkspace.subscriptionId, auditWorkspace.resourceGroup)
  params: {
    workspaceName: auditWorkspace.name
    principalId: identity.outputs.principalId
  }
  dependsOn: [
    telemetryWorkspace
  ]
}

module vaultReader 'modules/roles/vault-reader.bicep' = [
  for (vaultId, i) in vaultIds: if (grantVaultReader) {
    name: 'vaultReader-${i}'
    scope: resourceGroup(split(vaultId, '/')[2], split(vaultId, '/')[4])
    params: {
      vaultName: last(split(vaultId, '/'))
      principalId: identity.outputs.principalId
    }
  }
]

module vaultDiagnostics 'modules/monitoring/vault-diagnostics.bicep' = [
  for (vaultId, i) in vaultIds: if (enableVaultDiagnostics) {
    name: 'vaultDiagnostics-${i}'
    scope: resourceGroup(split(vaultId, '/')[2], split(vaultId, '/')[4])
    params: {
      vaultName: last(split(vaultId, '/'))
      workspaceResourceId: auditWorkspace.id
    }
    dependsOn: [
      telemetryWorkspace
    ]
  }
]

// Opt-in: only when the monitored apps' telemetry is read from a classic Application Insights resource.
module appInsightsReader 'modules/roles/app-insights-reader.bicep' = if (readsClassicAppInsights) {
  name: 'appInsightsReader'
  scope: resourceGroup(classicComponent.subscriptionId, classicComponent.resourceGroup)
  params: {
    componentName: classicComponent.name
    principalId: identity.outputs.principalId
  }
}

module activityLog 'modules/monitoring/activity-log.bicep' = [
  for (subscriptionId, i) in activityLogSubscriptions: if (enableActivityLogExport) {
    name: 'activityLog-${i}'
    scope: subscription(subscriptionId)
    params: {
      workspaceResourceId: auditWorkspace.id
    }
    dependsOn: [
      telemetryWorkspace
    ]
  }
]

// ---------------------------------------------------------------------------------------------
// Optional email (the monitor does not send email yet; this makes the resource and role ready)
// ---------------------------------------------------------------------------------------------

module email 'modules/email/email.bicep' = if (enableEmail) {
  name: 'email'
  scope: rg
  params: {
    emailServiceName: 'ecs-vaultwatch-${resourceToken}'
    communicationServiceName: 'acs-vaultwatch-${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module emailSenderRole 'modules/roles/email-sender-role.bicep' = if (enableEmail) {
  name: 'emailSenderRole'
  params: {
    resourceGroupId: rg.id
    resourceGroupName: rgName
  }
}

module emailAccess 'modules/roles/email-sender.bicep' = if (enableEmail) {
  name: 'emailAccess'
  scope: rg
  params: {
    communicationServiceName: email!.outputs.communicationServiceName
    roleDefinitionId: emailSenderRole!.outputs.roleDefinitionId
    principalId: identity.outputs.principalId
  }
}

// ---------------------------------------------------------------------------------------------
// The function app
// ---------------------------------------------------------------------------------------------

// Every app setting the app reads (src/config/settings.ts validates them). None holds a secret:
// the webhook URL arrives through a Key Vault reference resolved with the identity.
var appSettings = {
  // Functions host storage by identity: no AzureWebJobsStorage connection string, no account key.
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  LOG_ANALYTICS_WORKSPACE_ID: workspaceAccess.outputs.customerId
  LOG_ANALYTICS_ENDPOINT: logAnalyticsEndpoint
  KEYVAULT_AUDIT_TABLE: keyVaultAuditTable
  APP_INSIGHTS_MODE: appInsightsMode
  APP_INSIGHTS_RESOURCE_ID: appInsightsResourceId
  INVOCATIONS_PRIOR_HOURS: string(invocationsPriorHours)
  CHANGES_LOOKBACK_MINUTES: string(changesLookbackMinutes)
  STATE_TABLE_ENDPOINT: storage.outputs.tableEndpoint
  STATE_TABLE_PREFIX: stateTablePrefix
  TEAMS_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${webhookSecretName})'
  AZURE_CLIENT_ID: identity.outputs.clientId
  MONITOR_SCHEDULE: monitorSchedule
  CRITICAL_IDENTITIES: criticalIdentities
  ALERT_WINDOW_MINUTES: string(alertWindowMinutes)
  ALERT_MIN_FAILURES: string(alertMinFailures)
  ALERT_MIN_FAILURE_PERCENT: string(alertMinFailurePercent)
  RESOLVE_AFTER_MINUTES: string(resolveAfterMinutes)
  HEALTH_STALE_AFTER_MINUTES: string(healthStaleAfterMinutes)
  QUERY_TIMEOUT_SECONDS: string(queryTimeoutSeconds)
  MONITOR_CONFIG: monitorConfig
  CONTROL_PLANE_CONFIG: controlPlaneConfig
  ARM_ENDPOINT: armEndpoint
  NOTIFY_CONFIG: notifyConfig
  EMAIL_ENDPOINT: enableEmail ? email!.outputs.endpoint : ''
  EMAIL_SENDER: enableEmail ? email!.outputs.senderAddress : ''
  EMAIL_RECIPIENTS: emailRecipients
  PAGERDUTY_ROUTING_KEY: enablePagerDuty ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${pagerDutySecretName})' : ''
  PAGERDUTY_URL: pagerDutyUrl
  LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: auditWorkspace.id
}

module functionApp 'modules/app/function-app.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-vaultwatch-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityResourceId: identity.outputs.resourceId
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    appSettings: appSettings
    apiClientId: apiClientId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host reads storage and the webhook secret as soon as it starts: grant first. (The
  // workspace role is already a dependency, through LOG_ANALYTICS_WORKSPACE_ID.)
  dependsOn: [
    storageAccess
    webhookSecretAccess
    telemetryAccess
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd writes them to .azure/<env>/.env; none is a secret)
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output VAULTWATCH_HEALTH_URL string = 'https://${functionApp.outputs.defaultHostName}/api/health'
output VAULTWATCH_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output VAULTWATCH_KEY_VAULT_NAME string = keyVault.outputs.name
output VAULTWATCH_WEBHOOK_SECRET_NAME string = webhookSecretName
output VAULTWATCH_AUDIT_WORKSPACE_RESOURCE_ID string = auditWorkspace.id
output LOG_ANALYTICS_WORKSPACE_ID string = workspaceAccess.outputs.customerId
output KEYVAULT_AUDIT_TABLE string = keyVaultAuditTable
output STATE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output VAULTWATCH_EMAIL_ENDPOINT string = enableEmail ? email!.outputs.endpoint : ''
output VAULTWATCH_EMAIL_SENDER string = enableEmail ? email!.outputs.senderAddress : ''
