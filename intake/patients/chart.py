"""Sections of the patient chart page, contributed by each feature.

A feature registers a section with a template to include, the roles that may see it,
and a loader that fetches what the template shows (so no template queries the database).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartSection:
    key: str
    order: int
    template: str
    roles: tuple[str, ...]
    load: Callable[[object], dict]


_SECTIONS: dict[str, ChartSection] = {}


def chart_section(key: str, *, order: int, template: str, roles: tuple[str, ...]):
    """Register the decorated loader ``load(patient) -> dict`` as a chart section."""

    def decorator(load):
        _SECTIONS[key] = ChartSection(key, order, template, tuple(roles), load)
        return load

    return decorator


def sections_for(role: str) -> list[ChartSection]:
    """Return the sections a member of ``role`` sees, in page order."""
    return sorted((s for s in _SECTIONS.values() if role in s.roles), key=lambda s: s.order)
