// The monitor's storage account: Functions host storage, the Flex Consumption app package and
// the two state tables. Reached only with Entra ID: shared key access is off, so no connection
// string or SAS signed with an account key works against it.

param name string
param location string
param tags object

@description('Blob container Flex Consumption deploys the app package to and runs it from.')
param deploymentContainerName string

@description('Tables the monitor keeps incidents and its heartbeat in.')
param tableNames array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Flex Consumption without a virtual network reaches storage over its public endpoint;
    // access is by identity and role only.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Created here so the monitor never needs the right to create tables of its own.
resource stateTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output name string = account.name
output resourceId string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
// Without the trailing slash, as STATE_TABLE_ENDPOINT is documented.
output tableEndpoint string = 'https://${account.name}.table.${environment().suffixes.storage}'
