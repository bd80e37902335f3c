"""Sections of the patient chart page, contributed by each feature.

A feature describes a section with a template to include, the roles that may see it, and a
loader that fetches what the template shows (so no template queries the database). The factory
lists every section once (``intake.chart_sections``) and keeps the list in ``app.extensions``.

The page is laid out from what each section says of itself: where it sits (``place``: the
patient's header line, the main actions at the top, or the body) and which part of the chart it
belongs to (``group``), the parts a tablet jumps between through the chart's index.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

#: The key in ``app.extensions`` holding the chart's sections.
EXTENSION_KEY = "intake.chart_sections"

#: Where a section sits on the page.
HEADER = "header"  # inside the patient's header that stays on screen (alerts, in one line that opens)
ACTIONS = "actions"  # among the role's main actions at the top of the chart
BODY = "body"  # in one of the chart's parts below
PLACES = (HEADER, ACTIONS, BODY)

#: The chart's own part: the patient's details. Sections without a group of their own join it.
SUMMARY = "summary"
SUMMARY_TITLE = "Summary"


@dataclass(frozen=True)
class ChartSection:
    key: str
    order: int
    template: str
    roles: tuple[str, ...]
    load: Callable[[object], dict]
    #: The chart part the section belongs to (its index entry and anchor ``chart-<group>``); the key when empty.
    group: str = ""
    #: The index entry's words for the group (the first section of a group that names it wins).
    title: str = ""
    #: HEADER, ACTIONS or BODY; when empty, a negative order sits in the header (alerts), any other in the body.
    place: str = ""

    @property
    def placement(self) -> str:
        if self.place:
            return self.place
        return HEADER if self.order < 0 else BODY

    @property
    def part(self) -> str:
        return self.group or self.key


@dataclass(frozen=True)
class ChartPart:
    """One part of the chart's body: an anchor the index links to, its words, and its sections with their data."""

    key: str
    title: str
    sections: list[tuple[ChartSection, dict]]

    @property
    def anchor(self) -> str:
        return f"chart-{self.key}"


def register_sections(app: Flask, sections: Iterable[ChartSection]) -> None:
    """Keep ``sections`` as the app's chart sections (keys must be unique, places known)."""
    sections = tuple(sections)
    keys = [section.key for section in sections]
    if len(set(keys)) != len(keys):
        raise ValueError(f"chart section keys repeat: {keys}")
    unknown = [s.key for s in sections if s.placement not in PLACES]
    if unknown:
        raise ValueError(f"chart sections with an unknown place: {unknown}")
    app.extensions[EXTENSION_KEY] = sections


def sections_for(role: str) -> list[ChartSection]:
    """Return the sections a member of ``role`` sees, in page order."""
    sections = current_app.extensions.get(EXTENSION_KEY, ())
    return sorted((s for s in sections if role in s.roles), key=lambda s: s.order)


def chart_parts(loaded: list[tuple[ChartSection, dict]]) -> list[ChartPart]:
    """Gather the body's sections into parts, in the order of each part's first section; the summary leads."""
    members: dict[str, list[tuple[ChartSection, dict]]] = {SUMMARY: []}
    titles = {SUMMARY: SUMMARY_TITLE}
    for section, data in loaded:
        if section.placement != BODY:
            continue
        members.setdefault(section.part, []).append((section, data))
        if section.title:
            titles.setdefault(section.part, section.title)
    return [
        ChartPart(key, titles.get(key) or key.replace("_", " ").capitalize(), items)
        for key, items in members.items()
    ]


def placed(loaded: list[tuple[ChartSection, dict]], place: str) -> list[tuple[ChartSection, dict]]:
    """Return the loaded sections that sit in ``place``, in page order."""
    return [(section, data) for section, data in loaded if section.placement == place]


def nothing_to_load(patient) -> dict:
    """Load nothing: for a section whose template needs only the patient."""
    return {}
