// Opt-in: assigns the custom email sender role (email-sender-role.bicep) to the monitor on the
// Communication Services resource only.

param communicationServiceName string

@description('Full resource ID of the custom email sender role definition.')
param roleDefinitionId string

param principalId string

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource sendEmail 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, principalId, roleDefinitionId)
  scope: communicationService
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: send alert email'
  }
}
