"""The infrastructure templates configure exactly what the service code reads.

Both templates (Bicep and Terraform) are parsed, not grepped: the app settings
of the Function App must be the names ``core.settings`` reads plus the host's
own settings, and the tables, blob containers and queues they create must be
the ones ``core.storage.resources`` names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hcl2
import pytest
from pycep import BicepParser

from core.settings import PROJECT_ROOT, SETTING_NAMES, STORAGE_CONNECTION
from core.storage.resources import CONTAINERS, QUEUES, TABLES
from devhost.allocator import ARENA_MAX_SETTING
from tests.support.paths import BICEP, TERRAFORM

# Settings the Functions host (not the service code) reads.
HOST_OWNED_SETTINGS = frozenset(
    {
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AzureWebJobsFeatureFlags",
        "AzureFunctionsJobHost__logging__logLevel__default",
    }
)

# Read by the C library when the worker starts (the dev host applies it itself, devhost.allocator).
C_LIBRARY_SETTINGS = frozenset({ARENA_MAX_SETTING})

# Read by the code but deliberately absent in Azure: the storage connection
# string serves Azurite locally; in Azure the app reaches storage with its
# managed identity (AzureWebJobsStorage__* settings), so no key is configured.
LOCAL_ONLY_SETTINGS = frozenset({STORAGE_CONNECTION})

# Blob containers the Functions host needs besides the service's own.
HOST_OWNED_CONTAINERS = frozenset({"app-package"})


def _bicep(path: Path) -> dict[str, Any]:
    return BicepParser().parse(file_path=path)


def _hcl(path: Path) -> dict[str, Any]:
    with path.open() as stream:
        return hcl2.load(stream)


def _terraform_locals() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in sorted(TERRAFORM.glob("*.tf")):
        for block in _hcl(path).get("locals", []):
            values.update({name: value[0] for name, value in block.items() if not name.startswith("__")})
    return values


def _terraform_resource(resource_type: str, name: str) -> dict[str, Any]:
    for path in sorted(TERRAFORM.glob("*.tf")):
        for block in _hcl(path).get("resource", []):
            if name in block.get(resource_type, {}):
                return block[resource_type][name]
    raise LookupError(f"{resource_type}.{name} not found in {TERRAFORM}")


def bicep_app_settings() -> dict[str, Any]:
    """Name to value of every app setting of the Bicep Function App."""
    site = _bicep(BICEP / "modules" / "function-app.bicep")["resources"]["site"]
    settings = site["config"]["properties"]["siteConfig"]["appSettings"]
    return {setting["name"]: setting["value"] for setting in settings}


def terraform_app_settings() -> dict[str, Any]:
    """Name to value of every app setting of the Terraform Function App."""
    site = _terraform_resource("azapi_resource", "function_app")
    assert "local.app_settings" in site["body"][0]["properties"]["siteConfig"]["appSettings"]
    return _terraform_locals()["app_settings"]


def bicep_storage_names() -> dict[str, set[str]]:
    """Tables, containers and queues main.bicep hands to the storage module, checked to be created there."""
    main = _bicep(BICEP / "main.bicep")
    storage = _bicep(BICEP / "modules" / "storage.bicep")["resources"]
    params = main["modules"]["storage"]["config"]["params"]
    created = {
        "tables": storage["serviceTables"]["config"]["loop_type"]["detail"]["array_name"],
        "containers": storage["serviceContainers"]["config"]["loop_type"]["detail"]["array_name"],
        "queues": storage["serviceQueues"]["config"]["loop_type"]["detail"]["array_name"],
    }
    assert created == {kind: kind for kind in created}
    names = {kind: set(main["variables"][params[kind]]["value"]) for kind in created}
    names["containers"] |= {main["variables"][params["deploymentContainerName"]]["value"]}
    return names


def terraform_storage_names() -> dict[str, set[str]]:
    """Tables, containers and queues the Terraform storage resources iterate over."""
    local = _terraform_locals()
    resources = {
        "tables": _terraform_resource("azapi_resource", "table"),
        "containers": _terraform_resource("azurerm_storage_container", "service"),
        "queues": _terraform_resource("azurerm_storage_queue", "service"),
    }
    for kind, resource in resources.items():
        assert resource["for_each"] == [f"${{toset(local.{kind})}}"]
    names = {kind: set(local[kind]) for kind in resources}
    deployment = _terraform_resource("azurerm_storage_container", "deployment")
    assert deployment["name"] == ["${local.deployment_container}"]
    names["containers"].add(local["deployment_container"])
    return names


TEMPLATE_SETTINGS = {"bicep": bicep_app_settings, "terraform": terraform_app_settings}
TEMPLATE_STORAGE = {"bicep": bicep_storage_names, "terraform": terraform_storage_names}


@pytest.mark.parametrize("template", sorted(TEMPLATE_SETTINGS))
def test_app_settings_are_the_ones_the_code_reads(template: str) -> None:
    names = set(TEMPLATE_SETTINGS[template]())
    service_names = names - HOST_OWNED_SETTINGS - C_LIBRARY_SETTINGS
    expected = set(SETTING_NAMES) - LOCAL_ONLY_SETTINGS
    assert sorted(expected - service_names) == [], "settings the code reads but the template does not set"
    assert sorted(service_names - expected) == [], "settings the template sets but the code does not read"


@pytest.mark.parametrize("template", sorted(TEMPLATE_SETTINGS))
def test_storage_is_reached_with_the_identity_and_keys_come_from_key_vault(template: str) -> None:
    settings = TEMPLATE_SETTINGS[template]()
    assert STORAGE_CONNECTION not in settings
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert str(settings["FACE_API_KEYS"]).startswith("@Microsoft.KeyVault(SecretUri=")
    assert not any("AccountKey" in str(value) for value in settings.values())


@pytest.mark.parametrize("template", sorted(TEMPLATE_STORAGE))
def test_tables_containers_and_queues_are_the_ones_the_code_uses(template: str) -> None:
    names = TEMPLATE_STORAGE[template]()
    assert names["tables"] == set(TABLES)
    assert names["containers"] - HOST_OWNED_CONTAINERS == set(CONTAINERS)
    assert names["queues"] == set(QUEUES)


@pytest.mark.parametrize("template", sorted(TEMPLATE_SETTINGS))
def test_the_allocator_arena_limit_is_the_one_the_dev_host_runs_with(template: str) -> None:
    local = json.loads((PROJECT_ROOT / "local.settings.json").read_text())["Values"]
    assert str(TEMPLATE_SETTINGS[template]()[ARENA_MAX_SETTING]) == local[ARENA_MAX_SETTING]
