// Opt-in: a custom role that can send mail through Azure Communication Services and no more.
// The built-in alternative, Communication and Email Service Owner, can also list and regenerate
// the resource's access keys and delete it. Actions as Microsoft Learn lists them for sending
// email with a Microsoft Entra identity; see docs/roles.md.
targetScope = 'subscription'

@description('Resource ID of the monitor\'s resource group: the only scope the role can be assigned at.')
param resourceGroupId string

@description('Name of the monitor\'s resource group; makes the role name unique in the tenant.')
param resourceGroupName string

resource emailSender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroupId, 'vaultwatch-email-sender')
  properties: {
    roleName: 'vaultwatch email sender (${resourceGroupName})'
    description: 'Send email through Azure Communication Services.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroupId
    ]
  }
}

output roleDefinitionId string = emailSender.id
