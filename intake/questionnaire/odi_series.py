"""The Oswestry Disability Index series the pain history shows: one point per submitted intake."""

from sqlalchemy import func

from intake.extensions import db
from intake.pain.history import OdiRecord, Period, in_period
from intake.questionnaire.models import SUBMITTED, Intake


def submitted_odi_records(patient_id: int, period: Period = Period()) -> list[OdiRecord]:
    """Return the ODI of each submitted intake in ``period``, oldest first (one query)."""
    statement = (
        db.select(Intake.submitted_at, Intake.odi_percent)
        .where(
            Intake.patient_id == patient_id,
            # Through the patient's index: on the status itself SQLite (no statistics) would walk every
            # submitted intake of the clinic in time order, (status, submitted_at), to find this patient's.
            func.coalesce(Intake.status, "") == SUBMITTED,
            Intake.submitted_at.is_not(None),
            Intake.odi_percent.is_not(None),
            *in_period(Intake.submitted_at, period),
        )
        .order_by(Intake.submitted_at, Intake.id)
    )
    return [OdiRecord(row.submitted_at, row.odi_percent) for row in db.session.execute(statement)]
