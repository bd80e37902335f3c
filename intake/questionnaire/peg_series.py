"""The PEG series the pain history shows: one point per submitted check-in with a PEG score."""

from functools import cache

from sqlalchemy import Select, bindparam

from intake.extensions import db
from intake.pain.history import Period, Shape, period_conditions, period_parameters
from intake.pain.peg import PegRecord
from intake.questionnaire.models import CHECK_IN_FORM, SUBMITTED, Intake


@cache
def _submitted_peg_statement(shape: Shape) -> Select:
    """Build, once per shape of period, the statement reading a patient's submitted PEG scores in time order."""
    return (
        db.select(Intake.submitted_at, Intake.peg_score)
        .where(
            Intake.patient_id == bindparam("patient_id"),
            Intake.form_kind == CHECK_IN_FORM,
            Intake.status == SUBMITTED,
            Intake.submitted_at.is_not(None),
            Intake.peg_score.is_not(None),
            *period_conditions(Intake.submitted_at, shape),
        )
        .order_by(Intake.submitted_at, Intake.id)
    )


def submitted_peg_records(patient_id: int, period: Period = Period()) -> list[PegRecord]:
    """Return the PEG score of each submitted check-in in ``period``, oldest first (one query)."""
    rows = db.session.execute(
        _submitted_peg_statement(Shape.of(period)),
        period_parameters(patient_id, period),
    )
    return [PegRecord(submitted_at, score) for submitted_at, score in rows]
