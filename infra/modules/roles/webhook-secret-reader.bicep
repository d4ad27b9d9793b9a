// The only Key Vault data-plane role the monitor holds: read the value of one of its own
// notification secrets, scoped to that secret. Not the vault, and never a monitored vault.

param vaultName string
param secretName string
param principalId string

@description('The app setting whose Key Vault reference this role resolves.')
param setting string = 'TEAMS_WEBHOOK_URL'

// Key Vault Secrets User
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: secretName
}

resource readWebhookSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webhookSecret.id, principalId, keyVaultSecretsUser)
  scope: webhookSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: resolve the Key Vault reference in ${setting}'
  }
}
