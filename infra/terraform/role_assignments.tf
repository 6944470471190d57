# What the app's identity may do: use blob containers, queues and tables
# (the Functions host's storage and the service's own data), read secrets,
# and publish telemetry. Nothing else, and nothing through keys.

locals {
  app_role_assignments = {
    storage_blob  = { scope = azurerm_storage_account.this.id, role = "Storage Blob Data Owner" }
    storage_queue = { scope = azurerm_storage_account.this.id, role = "Storage Queue Data Contributor" }
    storage_table = { scope = azurerm_storage_account.this.id, role = "Storage Table Data Contributor" }
    key_vault     = { scope = azurerm_key_vault.this.id, role = "Key Vault Secrets User" }
    telemetry     = { scope = azurerm_application_insights.this.id, role = "Monitoring Metrics Publisher" }
  }
}

resource "azurerm_role_assignment" "app" {
  for_each = local.app_role_assignments

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.app.principal_id
  principal_type       = "ServicePrincipal"
}
