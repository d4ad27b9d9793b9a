// Lets the monitor send its own telemetry to Application Insights with an Entra token
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING); local auth on the component is off.

param appInsightsName string
param principalId string

// Monitoring Metrics Publisher
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource publishTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: own telemetry'
  }
}
