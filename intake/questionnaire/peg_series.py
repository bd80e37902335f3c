"""The PEG series the pain history shows: one point per submitted check-in with a PEG score."""

from intake.extensions import db
from intake.pain.history import Period, in_period
from intake.pain.peg import PegRecord
from intake.questionnaire.models import CHECK_IN_FORM, SUBMITTED, Intake


def submitted_peg_records(patient_id: int, period: Period = Period()) -> list[PegRecord]:
    """Return the PEG score of each submitted check-in in ``period``, oldest first (one query)."""
    statement = (
        db.select(Intake.submitted_at, Intake.peg_score)
        .where(
            Intake.patient_id == patient_id,
            Intake.form_kind == CHECK_IN_FORM,
            Intake.status == SUBMITTED,
            Intake.submitted_at.is_not(None),
            Intake.peg_score.is_not(None),
            *in_period(Intake.submitted_at, period),
        )
        .order_by(Intake.submitted_at, Intake.id)
    )
    return [PegRecord(row.submitted_at, row.peg_score) for row in db.session.execute(statement)]
