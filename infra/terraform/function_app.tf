# The Function App: a Flex Consumption plan and a Linux Python 3.11 app that
# runs as the user-assigned identity, pulls its package from blob storage with
# that identity, and reads every setting the service code reads.
#
# The site is an azapi_resource rather than azurerm_function_app_flex_consumption:
# that resource (azurerm 5.2) always writes an AzureWebJobsStorage connection
# string with an empty account key, even with identity-based storage
# (hashicorp/terraform-provider-azurerm#29693), which would override the
# AzureWebJobsStorage__* identity settings for both the host and the service,
# and it cannot set the identity Key Vault references resolve with.

locals {
  app_settings = {
    AzureWebJobsStorage__accountName          = azurerm_storage_account.this.name
    AzureWebJobsStorage__credential           = "managedidentity"
    AzureWebJobsStorage__clientId             = azurerm_user_assigned_identity.app.client_id
    APPLICATIONINSIGHTS_CONNECTION_STRING     = azurerm_application_insights.this.connection_string
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=${azurerm_user_assigned_identity.app.client_id};Authorization=AAD"
    FACE_API_KEYS                             = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.this.vault_uri}secrets/${local.api_keys_secret_name})"
    FACE_ALLOW_PRIVATE_URLS                   = "false"
    FACE_MODEL_CACHE_DIR                      = "/home/site/wwwroot/.cache/models"
    FACE_INFERENCE_THREADS                    = tostring(local.inference_threads)
    FACE_URL_FETCH_TIMEOUT_SECONDS            = tostring(var.url_fetch_timeout_seconds)
    MALLOC_ARENA_MAX                          = "2"
  }
}

resource "azurerm_service_plan" "flex" {
  #checkov:skip=CKV_AZURE_225: zone redundancy for Flex Consumption exists only in some regions; it is a choice per region, not a template default
  #checkov:skip=CKV_AZURE_212: Flex Consumption scales from zero on demand; there is no fixed worker count to set
  #checkov:skip=CKV_AZURE_211: FC1 is the Flex Consumption SKU, sized per instance by instance_memory_mb, not by plan tier
  name                = local.plan_name
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = var.tags
}

resource "azapi_resource" "function_app" {
  type      = "Microsoft.Web/sites@2024-04-01"
  name      = local.function_app_name
  parent_id = data.azurerm_resource_group.this.id
  location  = local.location
  tags      = var.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  body = {
    kind = "functionapp,linux"
    properties = {
      serverFarmId              = azurerm_service_plan.flex.id
      httpsOnly                 = true
      clientCertEnabled         = false
      keyVaultReferenceIdentity = azurerm_user_assigned_identity.app.id
      siteConfig = {
        minTlsVersion    = "1.2"
        scmMinTlsVersion = "1.2"
        ftpsState        = "Disabled"
        http20Enabled    = true
        appSettings      = [for name, value in local.app_settings : { name = name, value = value }]
      }
      functionAppConfig = {
        deployment = {
          storage = {
            type  = "blobContainer"
            value = "${azurerm_storage_account.this.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
            authentication = {
              type                           = "UserAssignedIdentity"
              userAssignedIdentityResourceId = azurerm_user_assigned_identity.app.id
            }
          }
        }
        scaleAndConcurrency = {
          instanceMemoryMB     = var.instance_memory_mb
          maximumInstanceCount = var.maximum_instance_count
        }
        runtime = {
          name    = "python"
          version = "3.11"
        }
      }
    }
  }

  response_export_values = ["properties.defaultHostName"]

  depends_on = [azurerm_role_assignment.app, azapi_resource.api_keys_secret]
}

resource "azapi_resource" "basic_publishing_credentials" {
  for_each = toset(["ftp", "scm"])

  type      = "Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01"
  name      = each.value
  parent_id = azapi_resource.function_app.id

  body = {
    properties = {
      allow = false
    }
  }
}
