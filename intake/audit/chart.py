"""The chart section "Who has looked at this chart"."""

from sqlalchemy import func

from intake.audit.models import PATIENT_ROLE, VIEW, AuditEvent
from intake.auth.roles import ACTOR_ROLE_LABELS
from intake.extensions import db

VIEWERS_SHOWN = 20


def chart_viewers(patient) -> dict:
    """Load which staff have looked at the chart, most recent first.

    The patient's own questionnaire pages (events by a link or tablet grant) are the patient filling in a form,
    not a look at the chart: they are not counted.
    """
    last_viewed = func.max(AuditEvent.occurred_at)
    viewers = db.session.execute(
        db.select(
            AuditEvent.user_id,
            AuditEvent.user_name,
            AuditEvent.user_role,
            func.count().label("views"),
            last_viewed.label("last_viewed"),
        )
        .where(
            AuditEvent.patient_id == patient.id,
            AuditEvent.action == VIEW,
            AuditEvent.user_role != PATIENT_ROLE,
        )
        .group_by(AuditEvent.user_id, AuditEvent.user_name, AuditEvent.user_role)
        .order_by(last_viewed.desc())
        .limit(VIEWERS_SHOWN)
    ).all()
    return {
        "viewers": [
            {
                "name": row.user_name or "Unknown",
                "role": ACTOR_ROLE_LABELS.get(row.user_role, row.user_role),
                "views": row.views,
                "last_viewed": row.last_viewed,
            }
            for row in viewers
        ]
    }
