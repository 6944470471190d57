# The Key Vault holding the service's API keys (one secret, comma-separated
# keys, read by the app through a Key Vault reference). Access is by Azure
# RBAC only; soft delete and purge protection keep a deleted secret recoverable.

resource "azurerm_key_vault" "this" {
  #checkov:skip=CKV_AZURE_109: Key Vault references of an app without a virtual network resolve over the public endpoint; access is by Azure RBAC only
  #checkov:skip=CKV_AZURE_189: same reason as CKV_AZURE_109
  #checkov:skip=CKV2_AZURE_32: private endpoints need a virtual network, which this deployment does not create (see infra/README.md)
  name                          = local.key_vault_name
  resource_group_name           = data.azurerm_resource_group.this.name
  location                      = local.location
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  soft_delete_retention_days    = 90
  purge_protection_enabled      = true
  public_network_access_enabled = true
  tags                          = var.tags

  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}

# Written through Azure Resource Manager, so the deploying principal needs no
# Key Vault data-plane role; the value is write-only and never in the state.
resource "azapi_resource" "api_keys_secret" {
  type      = "Microsoft.KeyVault/vaults/secrets@2023-07-01"
  name      = local.api_keys_secret_name
  parent_id = azurerm_key_vault.this.id

  body = {
    properties = {
      contentType = "text/plain; comma-separated API keys"
      attributes = {
        enabled = true
      }
    }
  }

  sensitive_body = {
    properties = {
      value = var.face_api_keys
    }
  }

  sensitive_body_version = {
    "properties.value" = var.face_api_keys_version
  }
}
