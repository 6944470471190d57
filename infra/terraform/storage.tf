# The storage account: the service's tables, blob containers and queues, plus
# the container the Flex Consumption host deploys the app package from.
# Only Microsoft Entra identities reach it: shared-key access is off.

resource "azurerm_storage_account" "this" {
  #checkov:skip=CKV_AZURE_35: a Flex Consumption app without a virtual network reaches storage over its public endpoint; access is by Entra identity only (shared keys off)
  #checkov:skip=CKV_AZURE_59: same reason as CKV_AZURE_35: the endpoint stays reachable, anonymous and key access are off
  #checkov:skip=CKV2_AZURE_33: private endpoints need a virtual network, which this deployment does not create (see infra/README.md)
  #checkov:skip=CKV2_AZURE_1: encrypted with Microsoft-managed keys plus infrastructure (double) encryption; customer-managed keys are an operator choice
  #checkov:skip=CKV_AZURE_43: the name is computed (prefix plus a hash, cut to 24 lower-case letters and digits), which the check cannot evaluate
  #checkov:skip=CKV_AZURE_33: queue logging is a diagnostic setting (storage_logs below); azurerm 5 has no queue_properties block for the check to read
  name                              = local.storage_account_name
  resource_group_name               = data.azurerm_resource_group.this.name
  location                          = local.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.storage_replication_type
  access_tier                       = "Hot"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  public_network_access_enabled     = true
  tags                              = var.tags

  network_rules {
    default_action = "Allow"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
  }
}

# Tables are created through Azure Resource Manager: azurerm_storage_table
# always sets table ACLs with a shared key, which this account refuses.
resource "azapi_resource" "table" {
  for_each = toset(local.tables)

  type      = "Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01"
  name      = each.value
  parent_id = "${azurerm_storage_account.this.id}/tableServices/default"
  body      = {}
}

resource "azurerm_storage_container" "service" {
  #checkov:skip=CKV2_AZURE_21: blob reads are logged by a diagnostic setting (storage_logs below); Storage Insights needs an account key, which is disabled
  for_each = toset(local.containers)

  name                  = each.value
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "deployment" {
  #checkov:skip=CKV2_AZURE_21: blob reads are logged by a diagnostic setting (storage_logs below); Storage Insights needs an account key, which is disabled
  name                  = local.deployment_container
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_queue" "service" {
  for_each = toset(local.queues)

  name               = each.value
  storage_account_id = azurerm_storage_account.this.id
}

# Read, write and delete requests of the blob, queue and table services, sent
# to the Log Analytics workspace.
resource "azurerm_monitor_diagnostic_setting" "storage_logs" {
  for_each = toset(["blobServices", "queueServices", "tableServices"])

  name                       = "storage-logs"
  target_resource_id         = "${azurerm_storage_account.this.id}/${each.value}/default"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category = "StorageRead"
  }

  enabled_log {
    category = "StorageWrite"
  }

  enabled_log {
    category = "StorageDelete"
  }
}
