"""The pain history as a CSV file for spreadsheets and referral letters."""

import csv
import io
import re
from datetime import datetime
from functools import lru_cache

from intake.clinic_time import to_clinic_time
from intake.pain.history import ScoreRecord
from intake.pain.models import CONTEXT_LABELS
from intake.pain.regions import REGION_BY_CODE

CSV_HEADERS = (
    "Recorded at (clinic time)",
    "Context",
    "Region code",
    "Region",
    "Side",
    "Score (0-10)",
    "SNOMED CT body structure",
    "SNOMED CT laterality",
    "Visit",
    "Intake",
    "Recorded by",
)
#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Return ``value`` as text a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@lru_cache(maxsize=256)
def _region_cells(code: str) -> tuple[str, str, str, str, str]:
    """Return a region's code, name, side and SNOMED CT codes as spreadsheet-safe cells (once per region)."""
    region = REGION_BY_CODE.get(code)
    return (
        spreadsheet_safe(code),
        spreadsheet_safe(region.label if region else code),
        spreadsheet_safe(region.side if region else ""),
        spreadsheet_safe(region.snomed if region and region.snomed else ""),
        spreadsheet_safe(region.snomed_laterality if region and region.snomed_laterality else ""),
    )


def pain_scores_csv(records: list[ScoreRecord]) -> str:
    """Return one CSV line per score, oldest first, under ``CSV_HEADERS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    # The scores of one occasion share their time, and a history a few contexts, scores and names: each is
    # made spreadsheet-safe (the time put in clinic time) once, not once per score.
    times: dict[datetime, str] = {}
    cells: dict[object, str] = {}
    rows = []
    for recorded_at, context, region_code, score, visit_id, intake_id, recorded_by in records:
        at = times.get(recorded_at)
        if at is None:
            at = times[recorded_at] = to_clinic_time(recorded_at).strftime("%Y-%m-%d %H:%M")
        code, label, side, snomed, laterality = _region_cells(region_code)
        rows.append(
            (
                at,
                _safe_once(cells, ("context", context), CONTEXT_LABELS[context]),
                code,
                label,
                side,
                _safe_once(cells, ("score", type(score), score), score),
                snomed,
                laterality,
                visit_id or "",  # ids are positive whole numbers: never read as a formula
                intake_id or "",
                _safe_once(cells, ("by", recorded_by), recorded_by),
            )
        )
    writer.writerows(rows)
    return buffer.getvalue()


def _safe_once(cells: dict[object, str], key: tuple, value) -> str:
    """Return ``value`` spreadsheet-safe, from ``cells`` when a row before had the same ``key``."""
    cell = cells.get(key)
    if cell is None:
        cell = cells[key] = spreadsheet_safe(value)
    return cell


def export_filename(chart_number: str, start, end) -> str:
    """Return a download name like ``pain-scores-C-001001-2026-01-01-to-2026-03-31.csv``."""
    parts = ["pain-scores", re.sub(r"[^A-Za-z0-9-]", "", chart_number)]
    if start or end:
        parts.append(f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'today'}")
    return "-".join(parts) + ".csv"
