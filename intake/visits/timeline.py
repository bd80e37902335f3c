"""The visit timeline: one line per visit with its date, practitioner, points, regions treated and pain.

Front desk sees that a visit happened (date, practitioner); clinical staff also see the points,
the regions treated and pain before → after, as the note now reads (amendments included).
A page of lines costs the same few queries whether the patient has one visit or three hundred:
visits, practitioners and points in one statement with ``selectinload``, then the latest
amendment and the stored pain scores of the visits shown.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import defer, selectinload

from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.regions import region_label
from intake.visits.models import Amendment, Visit

TIMELINE_PAIN_REGIONS = 3


@dataclass(frozen=True)
class TimelineRow:
    visit: Visit
    visit_at: datetime  # as the note now reads (an amendment may have corrected it)
    points: list[str]
    regions: list[str]
    pain: list[str]
    amended: bool


def visits_newest_first(patient_id: int, *, clinical: bool):
    """Return the statement listing the patient's visits, newest first, with what a line shows."""
    options = [selectinload(Visit.practitioner)]
    if clinical:
        options.append(selectinload(Visit.points))
    return (
        db.select(Visit)
        .where(Visit.patient_id == patient_id)
        .options(*options)
        .order_by(Visit.visit_at.desc(), Visit.id.desc())
    )


def recent_visits(patient_id: int, *, limit: int, clinical: bool) -> list[Visit]:
    """Return the patient's ``limit`` most recent visits."""
    return list(db.session.scalars(visits_newest_first(patient_id, clinical=clinical).limit(limit)))


def count_visits(patient_id: int) -> int:
    """Return how many visits the patient has had."""
    return db.session.scalar(db.select(func.count(Visit.id)).where(Visit.patient_id == patient_id))


def timeline_rows(visits: list[Visit], *, clinical: bool) -> list[TimelineRow]:
    """Return one timeline line per visit (clinical details only when ``clinical``)."""
    if not clinical:
        return [TimelineRow(visit, visit.visit_at, [], [], [], False) for visit in visits]
    ids = [visit.id for visit in visits]
    latest = _latest_amendments(ids)
    pain = _stored_pain(ids)
    return [_clinical_row(visit, latest.get(visit.id), pain.get(visit.id, {})) for visit in visits]


def _latest_amendments(visit_ids: list[int]) -> dict[int, Amendment]:
    """Return each visit's latest amendment (the note as it now reads), without the change lists."""
    if not visit_ids:
        return {}
    order = (Amendment.amended_at.desc(), Amendment.id.desc())
    ranked = (
        db.select(
            Amendment.id, func.row_number().over(partition_by=Amendment.visit_id, order_by=order).label("n")
        )
        .where(Amendment.visit_id.in_(visit_ids))
        .subquery()
    )
    latest = db.session.scalars(
        db.select(Amendment)
        .join(ranked, ranked.c.id == Amendment.id)
        .where(ranked.c.n == 1)
        .options(defer(Amendment.changes), defer(Amendment.pain_replaced))
    )
    return {amendment.visit_id: amendment for amendment in latest}


def _stored_pain(visit_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """Return {visit id: {context: {region: score}}}: the scores the pain history shows."""
    if not visit_ids:
        return {}
    rows = db.session.execute(
        db.select(PainScore.visit_id, PainScore.context, PainScore.region_code, PainScore.score)
        .where(PainScore.visit_id.in_(visit_ids), PainScore.context.in_((BEFORE_TREATMENT, AFTER_TREATMENT)))
        .order_by(PainScore.id)
    )
    pain: dict[int, dict[str, dict[str, int]]] = {}
    for visit_id, context, region_code, score in rows:
        pain.setdefault(visit_id, {}).setdefault(context, {})[region_code] = score
    return pain


def _clinical_row(visit: Visit, amendment: Amendment | None, pain: dict[str, dict[str, int]]) -> TimelineRow:
    before, after = pain.get(BEFORE_TREATMENT, {}), pain.get(AFTER_TREATMENT, {})
    if amendment is not None:
        note = amendment.note_after
        visit_at = datetime.fromisoformat(note["visit_at"]) if note.get("visit_at") else visit.visit_at
        points = [point["code"] for point in note["points"]]
        areas = note["massage_areas"]
    else:
        visit_at = visit.visit_at
        points = [point.code for point in visit.points]
        areas = visit.massage_areas or []
    return TimelineRow(
        visit=visit,
        visit_at=visit_at,
        points=points,
        regions=[region_label(code) for code in dict.fromkeys([*before, *areas])],
        pain=_pain_change(before, after),
        amended=amendment is not None,
    )


def _pain_change(before: dict, after: dict) -> list[str]:
    """Return 'Lower back, left 7 → 3' for the worst regions before treatment."""
    worst = sorted(before.items(), key=lambda item: -item[1])[:TIMELINE_PAIN_REGIONS]
    return [f"{region_label(code)} {score} → {after.get(code, '–')}" for code, score in worst]
