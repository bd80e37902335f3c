"""Who is due a check-in reminder for a clinic day, found in one statement.

A patient is due when a visit is planned that day — staff planned it on the chart, or the latest signed note's
"Next visit" names the day as a date (2026-12-09) — and the patient is not archived, has an email address,
has not submitted a check-in in the days before the visit, and was not already sent a reminder for it.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased, selectinload

from intake.clinic_time import clinic_local_to_utc
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.models import CHECK_IN_FORM, SUBMITTED, Intake
from intake.reminders.models import CHECK_IN_LINK, SENT, LinkMessage, PlannedVisit
from intake.visits.models import Amendment, Visit

#: A check-in submitted from the start of this many clinic days before the visit counts for it.
CHECK_IN_COUNTS_DAYS_BEFORE = 3
#: A day written in a note's "Next visit", as the reminder run reads it.
WRITTEN_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def day_start(day: date) -> datetime:
    """Return the UTC moment the clinic day starts."""
    return clinic_local_to_utc(datetime.combine(day, time.min))


def names_day(next_visit: str, day: date) -> bool:
    """Whether a note's "Next visit" text names this day as a date."""
    return day.isoformat() in WRITTEN_DAY.findall(next_visit or "")


@dataclass(frozen=True)
class Due:
    """One patient due a reminder, and where the visit was planned."""

    patient: Patient
    planned_on_chart: bool


def _latest_signed_note_naming(day: date):
    """The condition: the patient's latest signed note names the day (or was amended, to read in Python)."""
    later = aliased(Visit)
    latest_signed = and_(
        Visit.patient_id == Patient.id,
        Visit.signed_at.is_not(None),
        ~exists().where(
            later.patient_id == Visit.patient_id,
            later.signed_at.is_not(None),
            or_(later.visit_at > Visit.visit_at, and_(later.visit_at == Visit.visit_at, later.id > Visit.id)),
        ),
    )
    amended = exists().where(Amendment.visit_id == Visit.id)
    return latest_signed, or_(Visit.next_visit.contains(day.isoformat(), autoescape=True), amended)


def due_for(day: date) -> list[Due]:
    """Return every patient due a check-in reminder for the day, in chart-number order."""
    planned = exists().where(
        PlannedVisit.patient_id == Patient.id,
        PlannedVisit.visit_on == day,
        PlannedVisit.cancelled_at.is_(None),
    )
    latest_signed, names = _latest_signed_note_naming(day)
    in_note = select(Visit.id).where(latest_signed, names).limit(1).scalar_subquery()
    checked_in = exists().where(
        Intake.patient_id == Patient.id,
        Intake.form_kind == CHECK_IN_FORM,
        Intake.status == SUBMITTED,
        Intake.submitted_at >= day_start(day - timedelta(days=CHECK_IN_COUNTS_DAYS_BEFORE)),
        Intake.submitted_at < day_start(day + timedelta(days=1)),
    )
    reminded = exists().where(
        LinkMessage.patient_id == Patient.id,
        LinkMessage.visit_date == day,
        LinkMessage.purpose == CHECK_IN_LINK,
        LinkMessage.outcome == SENT,
    )
    rows = db.session.execute(
        select(Patient, planned.label("planned"), in_note.label("note_id"))
        .where(
            Patient.is_archived == false(),
            Patient.email != "",
            or_(planned, in_note.is_not(None)),
            ~checked_in,
            ~reminded,
        )
        .order_by(Patient.chart_number)
    ).all()
    # The note is read as it now stands: its latest amendment, else the signed text (one query for all).
    note_ids = [row.note_id for row in rows if row.note_id is not None]
    notes = (
        {
            visit.id: visit
            for visit in db.session.scalars(
                select(Visit).where(Visit.id.in_(note_ids)).options(selectinload(Visit.amendments))
            )
        }
        if note_ids
        else {}
    )
    due = []
    for row in rows:
        named = row.note_id is not None and names_day(_next_visit(notes[row.note_id]), day)
        if row.planned or named:
            due.append(Due(patient=row.Patient, planned_on_chart=bool(row.planned)))
    return due


def _next_visit(visit: Visit) -> str:
    if visit.amendments:
        return str(visit.amendments[-1].note_after.get("next_visit") or "")
    return visit.next_visit or ""
