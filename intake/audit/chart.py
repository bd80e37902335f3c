"""The chart section "Who has looked at this chart"."""

from sqlalchemy import func

from intake.audit.models import VIEW, AuditEvent
from intake.auth.roles import ACTOR_ROLE_LABELS, STAFF
from intake.extensions import db
from intake.patients.chart import chart_section

VIEWERS_SHOWN = 20


# Every staff role sees it: knowing that each look is recorded and shown is part of the safeguard.
@chart_section("audit_viewers", order=900, template="audit/_chart_viewers.html", roles=STAFF)
def chart_viewers(patient) -> dict:
    last_viewed = func.max(AuditEvent.occurred_at)
    viewers = db.session.execute(
        db.select(
            AuditEvent.user_id,
            AuditEvent.user_name,
            AuditEvent.user_role,
            func.count().label("views"),
            last_viewed.label("last_viewed"),
        )
        .where(AuditEvent.patient_id == patient.id, AuditEvent.action == VIEW)
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
