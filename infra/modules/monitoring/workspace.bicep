// The Log Analytics workspace this deployment owns: Application Insights stores the monitor's own
// telemetry here, and, when no audit workspace is given, the vaults' AuditEvent lands here too.

param name string
param location string
param tags object

@description('Days of interactive retention; 30 is included in the ingestion price.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      // No ingestion with the workspace's shared keys: diagnostic settings and Application
      // Insights do not use them, and the monitor reads with Entra ID.
      disableLocalAuth: true
    }
  }
}

output name string = workspace.name
output resourceId string = workspace.id
