// Opt-in, one per subscription: exports the subscription's Administrative activity log (role
// assignments written or deleted, vault changes) to the audit workspace, where the monitor's
// changes signal reads it from the AzureActivity table.
targetScope = 'subscription'

@description('Resource ID of the Log Analytics workspace that receives the activity log.')
param workspaceResourceId string

@description('Name of the subscription diagnostic setting.')
param settingName string = 'vaultwatch-activity'

resource administrativeToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  properties: {
    workspaceId: workspaceResourceId
    logs: [
      {
        category: 'Administrative'
        enabled: true
      }
    ]
  }
}
