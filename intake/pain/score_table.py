"""The table of scores: one page of occasions as rows, newest first, each visit's before-treatment row above its after.

A page shows fifty occasions across every region scored in the period, so each row's region cells are
written here once, as markup, rather than by a template loop over rows and regions.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from intake.pain.history import Occasion
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.regions import Region


@dataclass(frozen=True)
class TableRow:
    occasion: Occasion
    #: Scored in a visit note not signed yet.
    is_draft: bool
    #: The row's ``<td>`` for each region column, empty where the region was not scored.
    region_cells: Markup


def in_table_order(occasions: list[Occasion]) -> list[Occasion]:
    """Return ``occasions`` (newest first) with each visit's before-treatment scores just above its after."""
    shown: list[Occasion] = []
    after: Occasion | None = None
    for occasion in occasions:
        if after is not None and occasion.context == BEFORE_TREATMENT and occasion.visit_id == after.visit_id:
            shown += [occasion, after]
            after = None
            continue
        if after is not None:
            shown.append(after)
            after = None
        if occasion.context == AFTER_TREATMENT and occasion.visit_id is not None:
            after = occasion
        else:
            shown.append(occasion)
    if after is not None:
        shown.append(after)
    return shown


def table_rows(occasions: list[Occasion], columns: list[Region], drafts: frozenset[int]) -> list[TableRow]:
    """Return the page's rows in table order, each with its region cells under ``columns``."""
    labels = [(region.code, f'<td data-label="{escape(region.label)}">') for region in columns]
    rows = []
    for occasion in in_table_order(occasions):
        scores = occasion.scores
        cells = "".join(
            f"{opening}{escape(scores[code]) if code in scores else ''}</td>" for code, opening in labels
        )
        # Safe: the labels and scores are escaped; the rest is written here.
        rows.append(TableRow(occasion, occasion.visit_id in drafts, Markup(cells)))  # nosec B704
    return rows
