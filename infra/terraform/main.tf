# The face recognition service on Azure, in an existing resource group: names,
# the service's storage resource names, and the identity the app runs as.

data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

data "azurerm_client_config" "current" {}

locals {
  location = coalesce(var.location, data.azurerm_resource_group.this.location)
  token    = substr(sha1("${data.azurerm_resource_group.this.id}/${var.app_name}"), 0, 13)

  identity_name        = "id-${var.app_name}-${local.token}"
  storage_account_name = substr("st${replace(var.app_name, "-", "")}${local.token}", 0, 24)
  workspace_name       = "log-${var.app_name}-${local.token}"
  app_insights_name    = "appi-${var.app_name}-${local.token}"
  key_vault_name       = substr("kv-${var.app_name}-${local.token}", 0, 24)
  plan_name            = "plan-${var.app_name}-${local.token}"
  function_app_name    = "func-${var.app_name}-${local.token}"
  inference_threads    = coalesce(var.inference_threads, floor(var.instance_memory_mb / 2048))
  api_keys_secret_name = "face-api-keys"
  deployment_container = "app-package"

  tables = [
    "facecollections", "facemembers", "facetraining", "detectedfaces",
    "directorypersons", "directoryfaces", "directoryoperations", "dynamicgroups", "dynamicgroupmembers",
  ]
  containers = ["trainedindexes", "directoryindex"]
  queues     = ["face-training", "face-training-poison", "face-directory", "face-directory-poison"]
}

# Created before the app so that its role assignments are in place when the
# app first starts.
resource "azurerm_user_assigned_identity" "app" {
  name                = local.identity_name
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  tags                = var.tags
}
