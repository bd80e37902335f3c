"""The patient chart's visit timeline: every visit, newest first.

Front desk sees that a visit happened (date, practitioner); clinical staff also see the points,
the regions treated and pain before → after, as the note now reads (amendments included).
"""

from flask_login import current_user
from sqlalchemy.orm import selectinload

from intake.auth.roles import STAFF
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.regions import region_label
from intake.patients.chart import chart_section
from intake.visits.models import Visit

TIMELINE_PAIN_REGIONS = 3


@chart_section("visits", order=30, template="visits/_chart_timeline.html", roles=STAFF)
def load_timeline(patient) -> dict:
    """Return the patient's visits for the chart (clinical details only for clinical staff)."""
    statement = (
        db.select(Visit)
        .where(Visit.patient_id == patient.id)
        .options(selectinload(Visit.practitioner))
        .order_by(Visit.visit_at.desc(), Visit.id.desc())
    )
    if not current_user.is_clinical:
        return {"clinical": False, "rows": [{"visit": visit} for visit in db.session.scalars(statement)]}
    visits = list(
        db.session.scalars(statement.options(selectinload(Visit.points), selectinload(Visit.amendments)))
    )
    pain = db.session.scalars(
        db.select(PainScore).join(Visit, PainScore.visit_id == Visit.id).where(Visit.patient_id == patient.id)
    ).all()
    rows = [_clinical_row(visit, [row for row in pain if row.visit_id == visit.id]) for visit in visits]
    return {"clinical": True, "rows": rows}


def _clinical_row(visit: Visit, pain_rows: list[PainScore]) -> dict:
    if visit.amendments:
        note = visit.amendments[-1].note_after
        points = [point["code"] for point in note["points"]]
        before, after = note["pain_before"], note["pain_after"]
        areas = note["massage_areas"]
    else:
        points = [point.code for point in visit.points]
        before = {r.region_code: r.score for r in pain_rows if r.context == BEFORE_TREATMENT}
        after = {r.region_code: r.score for r in pain_rows if r.context == AFTER_TREATMENT}
        areas = visit.massage_areas or []
    return {
        "visit": visit,
        "points": points,
        "regions": [region_label(code) for code in dict.fromkeys([*before, *areas])],
        "pain": _pain_change(before, after),
        "amended": bool(visit.amendments),
    }


def _pain_change(before: dict, after: dict) -> list[str]:
    """Return 'Lower back, left 7 → 3' for the worst regions before treatment."""
    worst = sorted(before.items(), key=lambda item: -item[1])[:TIMELINE_PAIN_REGIONS]
    return [f"{region_label(code)} {score} → {after.get(code, '–')}" for code, score in worst]
