"""The pain history as a CSV file for spreadsheets and referral letters."""

import csv
import io
import re

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


def _row(record: ScoreRecord) -> list[object]:
    region = REGION_BY_CODE.get(record.region_code)
    return [
        to_clinic_time(record.recorded_at).strftime("%Y-%m-%d %H:%M"),
        record.context_label,
        record.region_code,
        region.label if region else record.region_code,
        region.side if region else "",
        record.score,
        region.snomed if region and region.snomed else "",
        region.snomed_laterality if region and region.snomed_laterality else "",
        record.visit_id or "",
        record.intake_id or "",
        record.recorded_by,
    ]


def pain_scores_csv(records: list[ScoreRecord]) -> str:
    """Return one CSV line per score, oldest first, under ``CSV_HEADERS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for record in records:
        writer.writerow([spreadsheet_safe(cell) for cell in _row(record)])
    return buffer.getvalue()


def export_filename(chart_number: str, start, end) -> str:
    """Return a download name like ``pain-scores-C-001001-2026-01-01-to-2026-03-31.csv``."""
    parts = ["pain-scores", re.sub(r"[^A-Za-z0-9-]", "", chart_number)]
    if start or end:
        parts.append(f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'today'}")
    return "-".join(parts) + ".csv"
