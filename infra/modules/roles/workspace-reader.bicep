// Lets the monitor query the audit workspace, and hands back the workspace ID the app needs
// (LOG_ANALYTICS_WORKSPACE_ID is the workspace's customerId, not its resource ID).
// Deployed into the workspace's own resource group, which may sit in another subscription.

param workspaceName string
param principalId string

// Log Analytics Reader: run queries and read the workspace; its role definition excludes
// reading the workspace's shared keys.
var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource queryWorkspace 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: query Key Vault audit events'
  }
}

output customerId string = workspace.properties.customerId
