// The Flex Consumption plan and the vaultwatch function app (Linux, Node.js 22).
// On Flex Consumption the runtime and the code package are set in functionAppConfig, so
// FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE and WEBSITE_NODE_DEFAULT_VERSION are not set.

param name string
param planName string
param location string
param tags object

@description('azd service name (azure.yaml); azd finds the app by this tag.')
param serviceName string

@description('Resource ID of the user-assigned identity the app runs as.')
param identityResourceId string

@description('URL of the blob container the app package is deployed to.')
param deploymentContainerUrl string

@description('App settings as name/value pairs; built in main.bicep.')
param appSettings object

@description('Client ID of the app registration people sign in to the API with. Empty: no App Service Authentication.')
param apiClientId string

param maximumInstanceCount int
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Flex Consumption is Linux only.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references (TEAMS_WEBHOOK_URL) resolve with the user-assigned identity; there
    // is no system-assigned identity to fall back to.
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      // The whole set: settings added by hand are removed by the next provision.
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// App Service Authentication (Easy Auth) with Entra ID: the platform validates each caller's token
// and injects who it is (X-MS-CLIENT-PRINCIPAL) and sets WEBSITE_AUTH_ENABLED=True, which is what
// the app trusts the headers on (docs/adr/0028-authenticated-responders.md). Bearer tokens only:
// no login redirect, so no client secret and no token store. /api/health stays reachable with
// its function key alone, for probes that cannot sign in; every other route also keeps its key.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(apiClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/health'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${apiClientId}'
            apiClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

// No publishing passwords: azd, az and Core Tools deploy with an Entra token.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
