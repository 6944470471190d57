"""Azure Functions route templates: matching a path and ranking templates.

Templates follow the host's syntax (``persongroups/{personGroupId}``, optional
``{name?}``, catch-all ``{*path}``, constraints ``{name:int}`` are accepted and
ignored). Ranking follows ASP.NET Core's precedence, which the Functions host
uses: at each segment a literal beats a parameter, which beats a catch-all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_PARAMETER = re.compile(r"^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}?]*)?(\??)\}$")

LITERAL_RANK, PARAMETER_RANK, CATCH_ALL_RANK = 1, 3, 5


@dataclass(frozen=True)
class RouteTemplate:
    """A compiled route template."""

    template: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    precedence: tuple[int, ...]

    def match(self, path: str) -> dict[str, str] | None:
        """Route parameters when ``path`` (without the route prefix) matches, else None."""
        found = self.pattern.match(_normalise(path))
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items() if value is not None}


def _normalise(path: str) -> str:
    stripped = path.strip("/")
    return "/" + stripped if stripped else ""


def compile_route(template: str) -> RouteTemplate:
    """Compile a route template into a matcher with its precedence."""
    parts: list[str] = []
    names: list[str] = []
    ranks: list[int] = []
    for segment in _normalise(template).split("/")[1:]:
        parameter = _PARAMETER.match(segment)
        if parameter is None:
            parts.append("/" + re.escape(segment))
            ranks.append(LITERAL_RANK)
            continue
        catch_all, name, optional = parameter.groups()
        names.append(name)
        if catch_all:
            parts.append(f"(?:/(?P<{name}>.*))?")
            ranks.append(CATCH_ALL_RANK)
        elif optional:
            parts.append(f"(?:/(?P<{name}>[^/]+))?")
            ranks.append(PARAMETER_RANK)
        else:
            parts.append(f"/(?P<{name}>[^/]+)")
            ranks.append(PARAMETER_RANK)
    pattern = re.compile("^" + "".join(parts) + "$")
    return RouteTemplate(template, pattern, tuple(names), tuple(ranks))


def sort_key(route: RouteTemplate) -> tuple[int, ...]:
    """Order templates so the most specific one is tried first (segment by segment)."""
    return route.precedence + (0,) * (64 - len(route.precedence))
