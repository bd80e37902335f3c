"""The Oswestry Disability Index series the pain history shows: one point per submitted intake."""

from functools import cache

from sqlalchemy import Select, bindparam, func

from intake.extensions import db
from intake.pain.history import OdiRecord, Period, Shape, period_conditions, period_parameters
from intake.questionnaire.models import SUBMITTED, Intake


@cache
def _submitted_odi_statement(shape: Shape) -> Select:
    """Build, once per shape of period, the statement reading a patient's submitted ODI in time order."""
    return (
        db.select(Intake.submitted_at, Intake.odi_percent)
        .where(
            Intake.patient_id == bindparam("patient_id"),
            # Through the patient's index: on the status itself SQLite (no statistics) would walk every
            # submitted intake of the clinic in time order, (status, submitted_at), to find this patient's.
            func.coalesce(Intake.status, "") == SUBMITTED,
            Intake.submitted_at.is_not(None),
            Intake.odi_percent.is_not(None),
            *period_conditions(Intake.submitted_at, shape),
        )
        .order_by(Intake.submitted_at, Intake.id)
    )


def submitted_odi_records(patient_id: int, period: Period = Period()) -> list[OdiRecord]:
    """Return the ODI of each submitted intake in ``period``, oldest first (one query)."""
    rows = db.session.execute(
        _submitted_odi_statement(Shape.of(period)),
        period_parameters(patient_id, period),
    )
    return [OdiRecord(submitted_at, percent) for submitted_at, percent in rows]
