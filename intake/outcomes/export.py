"""The de-identified outcome data set as CSV: no names, no dates of birth (age bands), no chart numbers.

Each row gets a random id drawn for this export alone, so two exports cannot be joined on it, and rows
are sorted by that id (not by time or patient). Dates are reduced to the year an episode started.
"""

import csv
import io
import secrets
from datetime import date

from intake.outcomes.complaints import area_label
from intake.outcomes.report import EpisodeOutcome

COLUMNS = (
    "row_id", "age_band", "complaint", "started_year", "visits", "treatment", "electro_acupuncture", "outcome",
    "pain_baseline", "pain_latest", "pain_improved", "visits_to_pain_improvement", "odi_baseline", "odi_latest",
    "odi_improved", "average_immediate_drop", "flare_ups", "came_back_within_12_months",
)  # fmt: skip


def age_band(born: date, on: date) -> str:
    """Return a ten-year age band ("40-49"); 90 and over together."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age >= 90:
        return "90+"
    low = max(age, 0) // 10 * 10
    return f"{low}-{low + 9}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def outcomes_csv(outcomes: list[EpisodeOutcome], now) -> str:
    """Write the data set, one row per episode."""
    rows = []
    for o in outcomes:
        rows.append([
            secrets.token_hex(6), age_band(o.date_of_birth, o.started_at.date()), area_label(o.complaint),
            o.started_at.year, o.visits, o.kind or "", "yes" if o.electro else "no",
            o.stopped_reason if o.ended(now) else "open", _number(o.baseline_pain), _number(o.latest_pain),
            "yes" if o.pain_improved else "no", "" if o.pain_response_after is None else o.pain_response_after,
            _number(o.odi[0] if o.odi else None), _number(o.odi[-1] if len(o.odi) > 1 else None),
            "yes" if o.odi_improved else "no",
            _number(o.immediate_drop_sum / o.immediate_drop_visits if o.immediate_drop_visits else None),
            o.flare_ups, "yes" if o.recurred else "no",
        ])  # fmt: skip
    rows.sort(key=lambda row: str(row[0]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
