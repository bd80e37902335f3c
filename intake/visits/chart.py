"""The patient chart's visit section: the most recent visits, and a link to all of them.

The chart opens at every visit, so the section shows a fixed number of lines and loads them in
a constant number of queries (see ``intake.visits.timeline``); the full list is paginated.
"""

from datetime import datetime, time

from flask_login import current_user
from sqlalchemy import bindparam

from intake.clinic_time import clinic_local_to_utc, clinic_today
from intake.extensions import db
from intake.visits.models import Visit
from intake.visits.timeline import recent_timeline

CHART_VISITS = 20

#: The practitioner's own unsigned note for the patient, started since the start of today (its id only).
_TODAYS_DRAFT = (
    db.select(Visit.id)
    .where(
        Visit.patient_id == bindparam("patient_id"),
        Visit.practitioner_id == bindparam("practitioner_id"),
        Visit.signed_at.is_(None),
        Visit.visit_at >= bindparam("start_of_today"),
    )
    .order_by(Visit.visit_at.desc(), Visit.id.desc())
    .limit(1)
)


def load_timeline(patient) -> dict:
    """Return the patient's most recent visits for the chart (clinical details only for clinical staff)."""
    clinical = current_user.is_clinical
    rows, total = recent_timeline(patient.id, limit=CHART_VISITS, clinical=clinical)
    return {"clinical": clinical, "rows": rows, "total": total}


def load_visit_action(patient) -> dict:
    """Return the practitioner's own unsigned note for this patient started today, to continue rather than start."""
    start_of_today = clinic_local_to_utc(datetime.combine(clinic_today(), time.min))
    draft_id = db.session.scalar(
        _TODAYS_DRAFT,
        {"patient_id": patient.id, "practitioner_id": current_user.id, "start_of_today": start_of_today},
    )
    return {"todays_draft_id": draft_id}


def unsigned_visit_ids(visit_ids: set[int]) -> set[int]:
    """Return which of ``visit_ids`` are notes not signed yet (for the pain charts' draft marks; one query)."""
    return set(
        db.session.scalars(db.select(Visit.id).where(Visit.id.in_(visit_ids), Visit.signed_at.is_(None)))
    )
