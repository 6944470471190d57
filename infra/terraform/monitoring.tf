# Logs and telemetry: a Log Analytics workspace and the workspace-based
# Application Insights component the Functions host reports to. Local
# (instrumentation-key) authentication is off, so only Entra identities ingest.

resource "azurerm_log_analytics_workspace" "this" {
  name                = local.workspace_name
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_in_days
  tags                = var.tags
}

resource "azurerm_application_insights" "this" {
  name                         = local.app_insights_name
  resource_group_name          = data.azurerm_resource_group.this.name
  location                     = local.location
  workspace_id                 = azurerm_log_analytics_workspace.this.id
  application_type             = "web"
  local_authentication_enabled = false
  retention_in_days            = var.log_retention_in_days
  tags                         = var.tags
}
