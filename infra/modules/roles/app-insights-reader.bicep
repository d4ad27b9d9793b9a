// Opt-in: when the monitored apps' telemetry is read from a classic Application Insights
// resource (APP_INSIGHTS_MODE=classic), the monitor queries that one component.
// Deployed into the component's own resource group, which may sit in another subscription.

param componentName string
param principalId string

// Log Analytics Reader: run log queries against the component; nothing is written.
var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource component 'Microsoft.Insights/components@2020-02-02' existing = {
  name: componentName
}

resource queryComponent 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(component.id, principalId, logAnalyticsReader)
  scope: component
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: query the monitored apps\' telemetry'
  }
}
