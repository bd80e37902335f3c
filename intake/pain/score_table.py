"""The table of scores: one page of occasions as rows, newest first, each visit's before-treatment row above its after.

A page shows fifty occasions across every region scored in the period, so each row is written here
once, as markup (its time, context, draft mark, region cells, worst, sum and who recorded it), rather
than by a template loop over rows and regions.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from intake.clinic_time import format_datetime
from intake.pain.history import Occasion, VisitEffect, score_words
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


def _number(value: float) -> str:
    """Return a score, a worst or a sum as the table writes it (a whole number, or a mean's decimals)."""
    # A number's digits need no escaping (escape() would write the same); anything else is escaped.
    return str(value) if type(value) in (int, float) else str(escape(value))


def table_rows(occasions: list[Occasion], columns: list[Region], drafts: frozenset[int]) -> list[TableRow]:
    """Return the page's rows in table order, each with its region cells under ``columns``."""
    labels = [(region.code, f'<td data-label="{escape(region.label)}">') for region in columns]
    rows = []
    for occasion in in_table_order(occasions):
        scores = occasion.scores
        cells = "".join(
            f"{opening}{_number(scores[code]) if code in scores else ''}</td>" for code, opening in labels
        )
        # Safe: the labels and scores are escaped; the rest is written here.
        rows.append(TableRow(occasion, occasion.visit_id in drafts, Markup(cells)))  # nosec B704
    return rows


def table_row_markup(rows: list[TableRow]) -> Markup:
    """Return the rows as the table body's ``<tr>`` elements, newest first."""
    lines = []
    # A page's rows share a few contexts and a few names: each is escaped once.
    contexts: dict[str, tuple[Markup, Markup]] = {}
    names: dict[str, Markup] = {}
    for row in rows:
        occasion = row.occasion
        context = contexts.get(occasion.context)
        if context is None:
            context = contexts[occasion.context] = (escape(occasion.context), escape(occasion.context_label))
        name = names.get(occasion.recorded_by)
        if name is None:
            name = names[occasion.recorded_by] = escape(occasion.recorded_by)
        draft = ' <span class="pain-table__draft">draft: note not signed yet</span>' if row.is_draft else ""
        lines.append(
            f'<tr class="pain-table__row--{context[0]}">'
            f'<th scope="row" data-label="When">{escape(format_datetime(occasion.recorded_at))}</th>'
            f'<td data-label="Context">{context[1]}{draft}</td>'
            f"{row.region_cells}"
            f'<td data-label="Worst">{_number(occasion.worst)}</td>'
            f'<td data-label="Sum">{_number(occasion.total)}</td>'
            f'<td data-label="Recorded by">{name}</td></tr>'
        )
    # Safe: every value is escaped; the rest is written here.
    return Markup("\n".join(lines))  # nosec B704


def effect_row_markup(effects: list[VisitEffect]) -> Markup:
    """Return each treatment's before and after averages and drop as the effects table's ``<tr>`` elements."""
    lines = [
        f'<tr><th scope="row" data-label="Treatment">{escape(format_datetime(effect.treated_at))}</th>'
        f'<td data-label="Before (average)">{score_words(effect.before_average)}</td>'
        f'<td data-label="After (average)">{score_words(effect.after_average)}</td>'
        f'<td data-label="Drop">{score_words(effect.drop)}</td>'
        f'<td data-label="Regions scored both times">{effect.regions_paired}</td></tr>'
        for effect in effects
    ]
    # Safe: the time is escaped and the rest are numbers.
    return Markup("\n".join(lines))  # nosec B704
