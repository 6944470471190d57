// The Key Vault holding the service's API keys (one secret, comma-separated
// keys, read by the app through a Key Vault reference). Access is by Azure
// RBAC only; soft delete and purge protection keep a deleted secret recoverable.

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the secret holding the API keys.')
param apiKeysSecretName string

@secure()
@description('Comma-separated API keys clients send in Ocp-Apim-Subscription-Key.')
param apiKeys string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // checkov:skip=CKV_AZURE_109: Key Vault references of an app without a virtual network resolve over the public endpoint; access is by Azure RBAC only
  // checkov:skip=CKV_AZURE_189: same reason as CKV_AZURE_109
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource apiKeysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  // checkov:skip=CKV_AZURE_41: API keys have no natural end date; they are rotated by the operator, and an expired secret would lock every client out
  parent: vault
  name: apiKeysSecretName
  properties: {
    value: apiKeys
    contentType: 'text/plain; comma-separated API keys'
    attributes: {
      enabled: true
    }
  }
}

output name string = vault.name
output apiKeysSecretUri string = apiKeysSecret.properties.secretUri
