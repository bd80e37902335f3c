"""The pain history as a CSV file for spreadsheets and referral letters."""

import csv
import io
import re
from datetime import datetime
from functools import lru_cache

from intake.clinic_time import to_clinic_time
from intake.pain.history import ScoreRecord
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


def _row(record: ScoreRecord, recorded_at: str) -> tuple[object, ...]:
    code, label, side, snomed, laterality = _region_cells(record.region_code)
    return (
        recorded_at,
        spreadsheet_safe(record.context_label),
        code,
        label,
        side,
        spreadsheet_safe(record.score),
        snomed,
        laterality,
        record.visit_id or "",  # ids are positive whole numbers: never read as a formula
        record.intake_id or "",
        spreadsheet_safe(record.recorded_by),
    )


def pain_scores_csv(records: list[ScoreRecord]) -> str:
    """Return one CSV line per score, oldest first, under ``CSV_HEADERS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    # The scores of one occasion share their time: each time is put in clinic time once.
    times: dict[datetime, str] = {}
    for record in records:
        at = times.get(record.recorded_at)
        if at is None:
            at = times[record.recorded_at] = to_clinic_time(record.recorded_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow(_row(record, at))
    return buffer.getvalue()


def export_filename(chart_number: str, start, end) -> str:
    """Return a download name like ``pain-scores-C-001001-2026-01-01-to-2026-03-31.csv``."""
    parts = ["pain-scores", re.sub(r"[^A-Za-z0-9-]", "", chart_number)]
    if start or end:
        parts.append(f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'today'}")
    return "-".join(parts) + ".csv"
