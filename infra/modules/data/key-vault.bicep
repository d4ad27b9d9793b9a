// The monitor's own Key Vault. It holds the Teams webhook URL (and the PagerDuty routing key when
// one is given), which the function
// app reads through a Key Vault reference (TEAMS_WEBHOOK_URL). Access is by Azure RBAC only,
// and the monitor's role is scoped to that one secret (roles/webhook-secret-reader.bicep).

param name string
param location string
param tags object
param webhookSecretName string

@secure()
@description('Teams Workflows webhook URL; written to the secret and nowhere else.')
param teamsWebhookUrl string

param pagerDutySecretName string

@secure()
@description('PagerDuty routing key; a secret only when given.')
param pagerDutyRoutingKey string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC only: access policies are ignored, so none are declared.
    enableRbacAuthorization: true
    accessPolicies: []
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Purge protection stays off so that `azd down --purge` can remove the vault; the one
    // secret it holds can be re-created from the Teams workflow.
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    // The platform resolves Key Vault references over the public endpoint when the app has
    // no virtual network; the vault still answers only to Entra ID and RBAC.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: webhookSecretName
  properties: {
    value: teamsWebhookUrl
    contentType: 'Teams Workflows webhook URL'
  }
}

output name string = vault.name
output vaultUri string = vault.properties.vaultUri

resource pagerDutySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pagerDutyRoutingKey)) {
  parent: vault
  name: pagerDutySecretName
  properties: {
    value: pagerDutyRoutingKey
    contentType: 'PagerDuty Events v2 routing key'
  }
}
