# What a deployment prints: where the service is and what to publish to.

output "function_app_name" {
  description = "Name of the Function App to publish the package to."
  value       = azapi_resource.function_app.name
}

output "endpoint" {
  description = "Base URL of the Face API (what clients use as their Face endpoint)."
  value       = "https://${azapi_resource.function_app.output.properties.defaultHostName}/face/v1.0"
}

output "storage_account_name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.this.name
}

output "key_vault_name" {
  description = "Name of the Key Vault holding the API keys."
  value       = azurerm_key_vault.this.name
}

output "api_keys_secret_name" {
  description = "Name of the Key Vault secret holding the comma-separated API keys."
  value       = local.api_keys_secret_name
}
