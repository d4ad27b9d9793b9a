// Opt-in, one per monitored vault: sends the vault's AuditEvent log to the audit workspace in
// resource-specific mode, so events land in AZKVAuditLogs (KEYVAULT_AUDIT_TABLE=AZKVAuditLogs).
// Deployed into the vault's own resource group; the vault itself is not modified.

param vaultName string

@description('Resource ID of the Log Analytics workspace that receives the events.')
param workspaceResourceId string

@description('Name of the diagnostic setting on the vault.')
param settingName string = 'vaultwatch-audit'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource auditToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: vault
  properties: {
    workspaceId: workspaceResourceId
    // 'Dedicated' is the resource-specific mode (table AZKVAuditLogs), not AzureDiagnostics.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}
