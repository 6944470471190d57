// The face recognition service on Azure, at resource-group scope: storage for
// its collections, training state and indexes; a Flex Consumption Function App
// for Python 3.11 that reaches storage with a managed identity; Application
// Insights over a Log Analytics workspace; a Key Vault holding the API keys.

targetScope = 'resourceGroup'

@minLength(3)
@maxLength(12)
@description('Short lower-case name the resource names are built from.')
param appName string = 'faceapi'

@description('Azure region of every resource; must offer Flex Consumption.')
param location string = resourceGroup().location

@secure()
@minLength(16)
@description('Comma-separated API keys clients send in Ocp-Apim-Subscription-Key; stored in Key Vault.')
param faceApiKeys string

@allowed([
  2048
  4096
])
@description('Memory of each Function App instance in MB.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Most instances the Function App scales out to.')
param maximumInstanceCount int = 40

@minValue(1)
@description('onnxruntime intra-op threads per inference session; CPU is allotted in proportion to instance memory.')
param inferenceThreads int = instanceMemoryMB / 2048

@minValue(1)
@description('Seconds to wait for an image URL before giving up.')
param urlFetchTimeoutSeconds int = 10

@allowed([
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
@description('Replication of the storage account.')
param storageSkuName string = 'Standard_GRS'

@minValue(30)
@maxValue(730)
@description('Days of log and telemetry retention.')
param logRetentionInDays int = 30

@description('Tags applied to every resource.')
param tags object = {
  application: 'face-api'
}

var token = uniqueString(resourceGroup().id, appName)
var tables = [
  'facecollections'
  'facemembers'
  'facetraining'
  'detectedfaces'
  'directorypersons'
  'directoryfaces'
  'directoryoperations'
  'dynamicgroups'
  'dynamicgroupmembers'
]
var containers = [
  'trainedindexes'
  'directoryindex'
]
var queues = [
  'face-training'
  'face-training-poison'
  'face-directory'
  'face-directory-poison'
]
var deploymentContainerName = 'app-package'
var apiKeysSecretName = 'face-api-keys'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${appName}-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${replace(appName, '-', '')}${token}', 24)
    location: location
    tags: tags
    skuName: storageSkuName
    tables: tables
    containers: containers
    queues: queues
    deploymentContainerName: deploymentContainerName
    workspaceId: monitoring.outputs.workspaceId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${appName}-${token}'
    appInsightsName: 'appi-${appName}-${token}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: take('kv-${appName}-${token}', 24)
    location: location
    tags: tags
    apiKeysSecretName: apiKeysSecretName
    apiKeys: faceApiKeys
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  dependsOn: [
    roles
  ]
  params: {
    name: 'func-${appName}-${token}'
    planName: 'plan-${appName}-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.connectionString
    apiKeysSecretUri: keyVault.outputs.apiKeysSecretUri
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    inferenceThreads: inferenceThreads
    urlFetchTimeoutSeconds: urlFetchTimeoutSeconds
  }
}

output functionAppName string = functionApp.outputs.name
output endpoint string = 'https://${functionApp.outputs.defaultHostName}/face/v1.0'
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output apiKeysSecretName string = apiKeysSecretName
