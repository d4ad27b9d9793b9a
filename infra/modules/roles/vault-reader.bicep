// Opt-in, one per monitored vault: Reader on the vault itself (not its resource group).
// Reader is control plane only: it shows the vault's properties, never a secret, key or
// certificate. This version of the monitor reads only Log Analytics and does not need it.

param vaultName string
param principalId string

// Reader
var reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource readVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, reader)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: read vault properties (control plane)'
  }
}
