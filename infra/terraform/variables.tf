# Inputs. Only resource_group_name and face_api_keys have no default.

variable "resource_group_name" {
  description = "Existing resource group every resource is created in."
  type        = string
}

variable "location" {
  description = "Azure region; must offer Flex Consumption. Defaults to the resource group's region."
  type        = string
  default     = null
}

variable "app_name" {
  description = "Short lower-case name the resource names are built from."
  type        = string
  default     = "faceapi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,11}$", var.app_name))
    error_message = "app_name must be 3-12 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "face_api_keys" {
  description = "Comma-separated API keys clients send in Ocp-Apim-Subscription-Key; written to Key Vault only when face_api_keys_version changes, never to the state."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = length(var.face_api_keys) >= 16
    error_message = "face_api_keys must be at least 16 characters."
  }
}

variable "face_api_keys_version" {
  description = "Change this to write face_api_keys to Key Vault again (key rotation through Terraform)."
  type        = string
  default     = "1"
}

variable "instance_memory_mb" {
  description = "Memory of each Function App instance in MB."
  type        = number
  default     = 2048

  validation {
    condition     = contains([2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 2048 or 4096."
  }
}

variable "maximum_instance_count" {
  description = "Most instances the Function App scales out to."
  type        = number
  default     = 40

  validation {
    condition     = var.maximum_instance_count >= 40 && var.maximum_instance_count <= 1000
    error_message = "maximum_instance_count must be between 40 and 1000."
  }
}

variable "inference_threads" {
  description = "onnxruntime intra-op threads per inference session; defaults to one per 2 GB of instance memory, as CPU is allotted in proportion to memory."
  type        = number
  default     = null
}

variable "url_fetch_timeout_seconds" {
  description = "Seconds to wait for an image URL before giving up."
  type        = number
  default     = 10
}

variable "storage_replication_type" {
  description = "Replication of the storage account."
  type        = string
  default     = "GRS"

  validation {
    condition     = contains(["ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS"], var.storage_replication_type)
    error_message = "storage_replication_type must be ZRS, GRS, GZRS, RAGRS or RAGZRS."
  }
}

variable "log_retention_in_days" {
  description = "Days of log and telemetry retention."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default = {
    application = "face-api"
  }
}
