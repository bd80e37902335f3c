"""Recording pain scores (called by check-ins, the intake questionnaire and visit notes)."""

from datetime import datetime, timedelta

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.clinic_time import to_the_moment
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import CHECK_IN, CONTEXTS, PainScore
from intake.pain.regions import REGION_BY_CODE
from intake.refused import Refused

#: A tablet's clock may run a little ahead of the server's; times within this are "now".
CLOCK_TOLERANCE = timedelta(minutes=5)
#: The form field a check-in's scores belong to, for a refusal's message.
SCORES_FIELD = "scores"


def is_in_the_future(moment: datetime) -> bool:
    """Return whether an aware time is later than now (beyond a small clock tolerance)."""
    return moment > utcnow() + CLOCK_TOLERANCE


def record_scores(
    patient_id: int,
    scores: dict[str, int],
    *,
    context: str,
    recorded_at: datetime | None = None,
    recorded_by_id: int | None = None,
    intake_id: int | None = None,
    visit_id: int | None = None,
) -> list[PainScore]:
    """Add one score per region to the session (the caller commits)."""
    if context not in CONTEXTS:
        raise ValueError(f"unknown pain context {context!r}")
    recorded_at = recorded_at or utcnow()
    if is_in_the_future(recorded_at):
        raise ValueError("pain scores cannot be recorded in the future")
    rows = []
    for code, score in scores.items():
        if code not in REGION_BY_CODE:
            raise ValueError(f"unknown body region {code!r}")
        if not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(f"pain score must be a whole number 0-10, not {score!r}")
        rows.append(
            PainScore(
                patient_id=patient_id,
                region_code=code,
                score=score,
                context=context,
                recorded_at=recorded_at,
                recorded_by_id=recorded_by_id,
                intake_id=intake_id,
                visit_id=visit_id,
            )
        )
    db.session.add_all(rows)
    return rows


def replace_visit_scores(
    visit_id: int,
    patient_id: int,
    context: str,
    scores: dict[str, int],
    *,
    recorded_at: datetime | None = None,
    recorded_by_id: int | None = None,
) -> list[PainScore]:
    """Set a draft visit's before- or after-treatment scores to exactly ``scores``."""
    existing = db.session.scalars(
        db.select(PainScore).where(PainScore.visit_id == visit_id, PainScore.context == context)
    ).all()
    for row in existing:
        db.session.delete(row)
    return record_scores(
        patient_id,
        scores,
        context=context,
        recorded_at=recorded_at,
        recorded_by_id=recorded_by_id,
        visit_id=visit_id,
    )


def record_check_in(
    patient_id: int, scores: dict[str, int], *, recorded_at: datetime, recorded_by_id: int
) -> list[PainScore]:
    """Record a quick check-in between visits (the caller commits)."""
    if not scores:
        raise ValueError("a check-in needs at least one scored region")
    return record_scores(
        patient_id, scores, context=CHECK_IN, recorded_at=recorded_at, recorded_by_id=recorded_by_id
    )


def check_in_problems(scores: dict[str, int]) -> dict[str, str]:
    """Return what stops these scores being a check-in, by field (empty: nothing)."""
    if not scores:
        return {SCORES_FIELD: "Give at least one body region a score from 0 to 10."}
    return {}


def check_in(patient, scores: dict[str, int], *, recorded_at: datetime, by) -> list[PainScore]:
    """Record a staff member's check-in of the patient's scores and its audit event."""
    problems = check_in_problems(scores)
    if problems:
        raise Refused(problems)
    recorded_at = to_the_moment(recorded_at, utcnow())  # "now" sorts after what came earlier this minute
    rows = record_check_in(patient.id, scores, recorded_at=recorded_at, recorded_by_id=by.id)
    record_event(
        audit.CREATE, patient=patient, record_type="pain_check_in", detail=f"{len(scores)} regions scored"
    )
    return rows
