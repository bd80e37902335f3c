"""Sections of the patient chart page, contributed by each feature.

A feature describes a section with a template to include, the roles that may see it, and a
loader that fetches what the template shows (so no template queries the database). The factory
lists every section once (``intake.chart_sections``) and keeps the list in ``app.extensions``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

#: The key in ``app.extensions`` holding the chart's sections.
EXTENSION_KEY = "intake.chart_sections"


@dataclass(frozen=True)
class ChartSection:
    key: str
    order: int
    template: str
    roles: tuple[str, ...]
    load: Callable[[object], dict]


def register_sections(app: Flask, sections: Iterable[ChartSection]) -> None:
    """Keep ``sections`` as the app's chart sections (keys must be unique)."""
    sections = tuple(sections)
    keys = [section.key for section in sections]
    if len(set(keys)) != len(keys):
        raise ValueError(f"chart section keys repeat: {keys}")
    app.extensions[EXTENSION_KEY] = sections


def sections_for(role: str) -> list[ChartSection]:
    """Return the sections a member of ``role`` sees, in page order."""
    sections = current_app.extensions.get(EXTENSION_KEY, ())
    return sorted((s for s in sections if role in s.roles), key=lambda s: s.order)
