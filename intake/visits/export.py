"""One patient's visits as a CSV file: one line per visit, the note as it now reads (amendments included)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import selectinload

from intake.clinic_time import to_clinic_time
from intake.extensions import db
from intake.pain.export import spreadsheet_safe
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.regions import region_label
from intake.visits.display import describe
from intake.visits.models import KIND_LABELS, Visit

CSV_HEADERS = (
    "Visit date and time (clinic time)",
    "Practitioner",
    "Kind of visit",
    "Points needled",
    "Massage areas",
    "Pain before → after",
    "Status",
    "Signed by",
    "Signed at (clinic time)",
    "Amendments",
    "Last amended at (clinic time)",
)
DRAFT, SIGNED, AMENDED = "Draft (not signed)", "Signed", "Signed, amended"


@dataclass(frozen=True)
class VisitLine:
    visit_at: datetime
    practitioner: str
    kind: str
    points: str
    massage_areas: str
    pain: str
    status: str
    signed_by: str
    signed_at: datetime | None
    amendments: int
    last_amended_at: datetime | None


def _pain_summary(before: dict[str, int], after: dict[str, int]) -> str:
    """Return 'Lower back, left 7 → 3; Buttock, right 5 → –' for every region scored, before-treatment order."""
    codes = list(dict.fromkeys([*before, *after]))
    return "; ".join(
        f"{region_label(code)} {before.get(code, '–')} → {after.get(code, '–')}" for code in codes
    )


def load_visit_lines(patient_id: int) -> list[VisitLine]:
    """Return one line per visit of the patient, oldest first (three queries whatever the number of visits)."""
    visits = list(
        db.session.scalars(
            db.select(Visit)
            .where(Visit.patient_id == patient_id)
            .options(
                selectinload(Visit.practitioner), selectinload(Visit.points), selectinload(Visit.amendments)
            )
            .order_by(Visit.visit_at, Visit.id)
        )
    )
    pain: dict[int, dict[str, dict[str, int]]] = {}
    if visits:
        rows = db.session.execute(
            db.select(PainScore.visit_id, PainScore.context, PainScore.region_code, PainScore.score)
            .where(
                PainScore.patient_id == patient_id,
                PainScore.visit_id.in_([visit.id for visit in visits]),
                PainScore.context.in_((BEFORE_TREATMENT, AFTER_TREATMENT)),
            )
            .order_by(PainScore.id)
        )
        for visit_id, context, region_code, score in rows:
            pain.setdefault(visit_id, {}).setdefault(context, {})[region_code] = score
    lines = []
    for visit in visits:
        if visit.amendments:
            note = visit.amendments[-1].note_after
            visit_at = datetime.fromisoformat(note["visit_at"]) if note.get("visit_at") else visit.visit_at
            points = [point["code"] for point in note.get("points") or []]
            areas = note.get("massage_areas") or []
            kind = note.get("kind") or visit.kind
        else:
            visit_at, kind = visit.visit_at, visit.kind
            points = [point.code for point in visit.points]
            areas = visit.massage_areas or []
        stored = pain.get(visit.id, {})
        status = DRAFT if not visit.is_signed else (AMENDED if visit.amendments else SIGNED)
        lines.append(
            VisitLine(
                visit_at=visit_at,
                practitioner=visit.practitioner.full_name,
                kind=KIND_LABELS.get(kind, kind),
                points="; ".join(points),
                massage_areas=describe("massage_areas", areas) if areas else "",
                pain=_pain_summary(stored.get(BEFORE_TREATMENT, {}), stored.get(AFTER_TREATMENT, {})),
                status=status,
                signed_by=visit.signed_name if visit.is_signed else "",
                signed_at=visit.signed_at,
                amendments=len(visit.amendments),
                last_amended_at=visit.amendments[-1].amended_at if visit.amendments else None,
            )
        )
    return lines


def _clinic(moment: datetime | None) -> str:
    return to_clinic_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def visits_csv(lines: list[VisitLine]) -> str:
    """Return one CSV line per visit under ``CSV_HEADERS``, every cell safe from spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for line in lines:
        cells = [
            _clinic(line.visit_at),
            line.practitioner,
            line.kind,
            line.points,
            line.massage_areas,
            line.pain,
            line.status,
            line.signed_by,
            _clinic(line.signed_at),
            line.amendments,
            _clinic(line.last_amended_at),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()


def export_filename(chart_number: str, day: date) -> str:
    """Return a download name like ``visits-C-001001-2026-12-02.csv`` (the chart number, never the name)."""
    return f"visits-{re.sub(r'[^A-Za-z0-9-]', '', chart_number)}-{day.isoformat()}.csv"
