// Data roles on the monitor's own storage account. The account holds nothing but vaultwatch
// data (host blobs, the app package, the two state tables), so these grants reach no one else's.

param storageAccountName string
param tableNames array
param principalId string

@description('Grant Storage Table Data Contributor on each state table rather than on the account.')
param tableRoleOnTablesOnly bool = false

// Storage Blob Data Owner: what the Functions host documents for identity-based
// AzureWebJobsStorage (timer leases, host keys, its own containers, which it creates at start,
// so a container scope will not do). It also covers reading the Flex app package container.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'

// Storage Table Data Contributor: read and write incidents and the heartbeat.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource stateTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource hostBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: Functions host storage and app package'
  }
}

resource stateOnAccount 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!tableRoleOnTablesOnly) {
  name: guid(account.id, principalId, storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'vaultwatch: incident and heartbeat tables'
  }
}

resource stateOnTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in tableNames: if (tableRoleOnTablesOnly) {
    name: guid(stateTables[i].id, principalId, storageTableDataContributor)
    scope: stateTables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'vaultwatch: ${tableName}'
    }
  }
]
