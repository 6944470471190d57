"""The layers of the code, enforced on what each module imports (read with ``ast``; nothing is imported).

- ``core`` never imports ``azure.functions``: the HTTP shell stays in ``functions/``.
- ``core/storage`` speaks only in storage terms: it imports other storage modules,
  ``core.settings``, ``core.limits``, the Azure SDKs, numpy and the standard library.
- ``functions`` reaches the core only through the services (``core.collections``,
  ``core.operations``, ``core.directory``) and the foundation (``core.errors``, ``core.settings``,
  ``core.auth``, ``core.limits``, ``core.api_versions``, ``core.allocator``), never storage, vision or the
  other internals.
- ``face_cli`` (the command line) is a client of the public API only: it imports none of the service's
  packages, so it works the same against Azure Face.

Every import counts, including those inside functions; ``from a import b``
counts as ``a.b``, since ``b`` may be a module.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STORAGE_MAY_IMPORT = (
    "core.storage",
    "core.settings",
    "core.limits",
    "azure.core",
    "azure.data.tables",
    "azure.identity",
    "azure.storage",
    "numpy",
)
FUNCTIONS_MAY_IMPORT_FROM_CORE = (
    "core.collections",
    "core.operations",
    "core.directory",
    "core.errors",
    "core.settings",
    "core.auth",
    "core.api_versions",
    "core.limits",
    "core.allocator",
)


def imported_modules(source: str) -> set[str]:
    """Every name ``source`` imports, anywhere in it; a relative import keeps its leading dots."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            dots = "." * node.level
            names.update(dots + ".".join(filter(None, (node.module, alias.name))) for alias in node.names)
    return names


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def core_may_import(name: str) -> bool:
    return not within(name, ("azure.functions",))


def storage_may_import(name: str) -> bool:
    return within(name, STORAGE_MAY_IMPORT) or name.split(".", maxsplit=1)[0] in sys.stdlib_module_names


def functions_may_import(name: str) -> bool:
    return not within(name, ("core",)) or within(name, FUNCTIONS_MAY_IMPORT_FROM_CORE)


def cli_may_import(name: str) -> bool:
    return not within(name, ("core", "functions", "devhost", "function_app", "tests"))


def violations(folder: str, allowed: Callable[[str], bool]) -> list[str]:
    """``path: name`` for every import under ``folder`` that ``allowed`` refuses."""
    sources = sorted((ROOT / folder).rglob("*.py"))
    assert sources, f"no Python modules under {folder}"
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources
        for name in sorted(imported_modules(path.read_text()))
        if not allowed(name)
    ]


def test_core_never_imports_azure_functions() -> None:
    assert violations("core", core_may_import) == []


def test_storage_imports_only_storage_settings_limits_sdks_numpy_and_the_standard_library() -> None:
    assert violations("core/storage", storage_may_import) == []


def test_functions_reach_core_only_through_services_and_foundation() -> None:
    assert violations("functions", functions_may_import) == []


def test_the_command_line_uses_only_the_public_api() -> None:
    assert violations("face_cli", cli_may_import) == []


def test_the_checks_refuse_imports_across_layers() -> None:
    def refused(source: str, allowed: Callable[[str], bool]) -> list[str]:
        return sorted(name for name in imported_modules(source) if not allowed(name))

    assert refused("import azure.functions as func", core_may_import) == ["azure.functions"]
    assert refused("from azure import functions", core_may_import) == ["azure.functions"]
    assert refused("def f():\n    from core.collections.kinds import CollectionKind\n", storage_may_import) == [
        "core.collections.kinds.CollectionKind"
    ]
    assert refused("from core import errors, search\nfrom . import clients", storage_may_import) == [
        ".clients",
        "core.errors",
        "core.search",
    ]
    assert refused("from core.storage.detected_faces import purge_expired_faces", functions_may_import) == [
        "core.storage.detected_faces.purge_expired_faces"
    ]
    assert refused("from core import vision\nimport core.vision.catalog", functions_may_import) == [
        "core.vision",
        "core.vision.catalog",
    ]
    assert refused("import httpx\nfrom core.errors import FaceError\nimport function_app", cli_may_import) == [
        "core.errors.FaceError",
        "function_app",
    ]
    allowed_in_storage = (
        "from __future__ import annotations\nimport json\nimport numpy as np\nfrom core import limits\n"
        "from core.settings import get_settings\nfrom azure.data.tables import TableClient\n"
        "from core.storage.clients import table"
    )
    assert refused(allowed_in_storage, storage_may_import) == []
    allowed_in_functions = (
        "import azure.functions as func\nfrom core.collections import persons\n"
        "from core.operations.detect import detect\nfrom core.errors import FaceError\nfrom functions.http import x"
    )
    assert refused(allowed_in_functions, functions_may_import) == []
