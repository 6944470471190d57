// The Function App: a Flex Consumption plan and a Linux Python 3.11 app that
// runs as the user-assigned identity, pulls its package from blob storage with
// that identity, and reads every setting the service code reads.

@description('Name of the Function App (also its host name prefix).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Name of the storage account (AzureWebJobsStorage).')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Connection string of the Application Insights component.')
param appInsightsConnectionString string

@description('Versionless URI of the Key Vault secret holding the API keys.')
param apiKeysSecretUri string

@allowed([
  2048
  4096
])
@description('Memory of each instance in MB; the models need about 0.7 GB.')
param instanceMemoryMB int

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int

@minValue(1)
@description('onnxruntime intra-op threads per inference session.')
param inferenceThreads int

@minValue(1)
@description('Seconds to wait for an image URL before giving up.')
param urlFetchTimeoutSeconds int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225: zone redundancy for Flex Consumption exists only in some regions; it is a choice per region, not a template default
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  // checkov:skip=CKV_AZURE_222: the Face API is a public HTTPS endpoint by design; callers authenticate with API keys
  // checkov:skip=CKV_AZURE_17: Azure Face clients authenticate with Ocp-Apim-Subscription-Key, not client certificates
  // checkov:skip=CKV_AZURE_212: Flex Consumption scales from zero on demand; there is no fixed instance count to set
  // checkov:skip=CKV_AZURE_213: the Azure Face API has no health route to probe, and Flex Consumption replaces failed instances on demand
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'FACE_API_KEYS', value: '@Microsoft.KeyVault(SecretUri=${apiKeysSecretUri})' }
        { name: 'FACE_ALLOW_PRIVATE_URLS', value: 'false' }
        { name: 'FACE_MODEL_CACHE_DIR', value: '/home/site/wwwroot/.cache/models' }
        { name: 'FACE_INFERENCE_THREADS', value: string(inferenceThreads) }
        { name: 'FACE_URL_FETCH_TIMEOUT_SECONDS', value: string(urlFetchTimeoutSeconds) }
        { name: 'MALLOC_ARENA_MAX', value: '2' }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
