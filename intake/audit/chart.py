"""The chart section "Who has looked at this chart".

A chart looked at for fifteen years holds tens of thousands of views. Grouping them all (and comparing every
view's time for the latest) costs what the history costs, so the statement steps along the covering index
``ix_audit_event_chart_viewers`` instead: from one viewer (staff id, name as recorded, role) to the next, one seek
each, then counts each viewer's range of the index up to ``VIEWS_COUNTED`` (a colleague who opens the chart every
day for years is "more than 100 views", not a count that grows with every look) and reads its newest time at the
range's end. Built on first use, the patient bound by name.
"""

from functools import cache

from sqlalchemy import Integer, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from intake.audit.models import PATIENT_ROLE, VIEW, AuditEvent
from intake.auth.roles import ACTOR_ROLE_LABELS
from intake.extensions import db

VIEWERS_SHOWN = 20
#: Each viewer's looks are counted up to this many; beyond, the chart says "more than 100 views".
VIEWS_COUNTED = 100


def _capped_views(where, outer):
    """SQL: ``VIEWS_COUNTED + 1`` when more looks than that match ``where``, else how many do.

    Whether a look lies beyond the cap is asked first, along at most that many entries of the index; only a range
    within the cap is counted.
    """
    beyond_cap = select(literal(1)).where(*where).correlate(outer).limit(1).offset(VIEWS_COUNTED).exists()
    counted = select(func.count()).where(*where).correlate(outer).scalar_subquery()
    return case((beyond_cap, VIEWS_COUNTED + 1), else_=counted)


@cache
def viewers_statement():
    """Build the statement: each viewer of the bound patient's chart, their views and their latest, newest first."""
    patient_id = bindparam("patient_id", type_=Integer)
    step, found, counted = aliased(AuditEvent), aliased(AuditEvent), aliased(AuditEvent)
    viewer_key = (step.user_id, step.user_name, step.user_role)
    looks = (step.patient_id == patient_id, step.action == VIEW)
    first = (
        select(step.id)
        .where(*looks, step.user_id.is_not(None))
        .order_by(*viewer_key)
        .limit(1)
        .scalar_subquery()
    )
    viewer = select(first.label("event_id")).cte("viewer", recursive=True)

    # The next key after the found one: the same staff member and name with a later role, the same staff member
    # with a later name, or the next staff member — three seeks (a row-value ">" would walk the whole first range).
    def seek(*after):
        return (
            select(step.id)
            .where(*looks, *after)
            .order_by(*viewer_key)
            .limit(1)
            .correlate(found)
            .scalar_subquery()
        )

    next_viewer = func.coalesce(
        seek(
            step.user_id == found.user_id, step.user_name == found.user_name, step.user_role > found.user_role
        ),
        seek(step.user_id == found.user_id, step.user_name > found.user_name),
        seek(step.user_id > found.user_id),
    )
    viewer = viewer.union_all(select(next_viewer).join_from(viewer, found, found.id == viewer.c.event_id))
    same_viewer = (
        counted.patient_id == patient_id,
        counted.action == VIEW,
        counted.user_id == found.user_id,
        counted.user_name == found.user_name,
        counted.user_role == found.user_role,
    )
    by_staff = select(
        found.user_id,
        found.user_name,
        found.user_role,
        _capped_views(same_viewer, found).label("views"),
        select(func.max(counted.occurred_at))
        .where(*same_viewer)
        .correlate(found)
        .scalar_subquery()
        .label("last_viewed"),
    ).join_from(viewer, found, found.id == viewer.c.event_id)
    # Looks recorded with no staff id (none are, signed in) are few: grouped as they stand, as before.
    without_id = (
        select(
            literal(None).label("user_id"),
            counted.user_name,
            counted.user_role,
            case((func.count() > VIEWS_COUNTED, VIEWS_COUNTED + 1), else_=func.count()).label("views"),
            func.max(counted.occurred_at).label("last_viewed"),
        )
        .where(
            counted.patient_id == patient_id,
            counted.action == VIEW,
            counted.user_id.is_(None),
            counted.user_role != PATIENT_ROLE,  # the patient's own form pages, never grouped
        )
        .group_by(counted.user_name, counted.user_role)
    )
    every = union_all(by_staff, without_id).subquery("viewers")
    return (
        select(every)
        .where(every.c.user_role != PATIENT_ROLE)
        .order_by(every.c.last_viewed.desc(), every.c.user_id)
        .limit(VIEWERS_SHOWN)
    )


def chart_viewers(patient) -> dict:
    """Load which staff have looked at the chart, most recent first.

    The patient's own questionnaire pages (events by a link or tablet grant) are the patient filling in a form,
    not a look at the chart: they are not counted.
    """
    viewers = db.session.execute(viewers_statement(), {"patient_id": patient.id}).all()
    return {
        "viewers": [
            {
                "name": row.user_name or "Unknown",
                "role": ACTOR_ROLE_LABELS.get(row.user_role, row.user_role),
                "views": min(row.views, VIEWS_COUNTED),
                "more_views": row.views > VIEWS_COUNTED,
                "last_viewed": row.last_viewed,
            }
            for row in viewers
        ]
    }
