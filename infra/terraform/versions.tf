# Terraform and provider versions. azurerm manages most resources; azapi
# manages the three that azurerm cannot manage securely here: the Function App
# site (function_app.tf), the storage tables (storage.tf) and the API-keys
# secret, whose write-only sensitive_body keeps the keys out of the state.

terraform {
  required_version = ">= 1.11"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 5.2"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.12"
    }
  }
}

provider "azurerm" {
  features {}
}

provider "azapi" {}
