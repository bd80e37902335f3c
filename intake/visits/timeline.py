"""The visit timeline: one line per visit with its date, practitioner, points, regions treated and pain.

Front desk sees that a visit happened (date, practitioner); clinical staff also see the points,
the regions treated and pain before → after, as the note now reads (amendments included).
A page of lines costs the same few queries whether the patient has one visit or three hundred,
and loads only the columns a line shows (never the notes themselves): the visits with their
practitioners in one statement, then the points, the latest amendment and the stored pain
scores of the visits shown. The statements are built once, with their values bound per page.
"""

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import bindparam, func

from intake.auth.models import User
from intake.extensions import db
from intake.paging import NumberedPage
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.regions import region_label
from intake.visits.models import Amendment, Visit, VisitPoint

TIMELINE_PAIN_REGIONS = 3


@dataclass(frozen=True)
class TimelineRow:
    visit_id: int
    visit_at: datetime  # as the note now reads (an amendment may have corrected it)
    practitioner: str  # the practitioner's name as signed, e.g. 'Mei Chen, R.Ac'
    is_signed: bool
    points: list[str]
    regions: list[str]
    pain: list[str]
    amended: bool


@dataclass(frozen=True)
class TimelinePage(NumberedPage):
    """One page of the visit list: its lines and where it sits among the patient's pages."""

    rows: list[TimelineRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_VISIT_LINES = (
    db.select(Visit.id, Visit.visit_at, Visit.signed_at, Visit.massage_areas, User)
    .join(User, User.id == Visit.practitioner_id)
    .where(Visit.patient_id == bindparam("patient_id"))
    .order_by(Visit.visit_at.desc(), Visit.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)

_VISIT_COUNT = db.select(func.count(Visit.id)).where(Visit.patient_id == bindparam("patient_id"))

_POINTS = (
    db.select(VisitPoint.visit_id, VisitPoint.code)
    .where(VisitPoint.visit_id.in_(bindparam("visit_ids", expanding=True)))
    .order_by(VisitPoint.visit_id, VisitPoint.position)
)

_RANKED_AMENDMENTS = (
    db.select(
        Amendment.id,
        func.row_number()
        .over(partition_by=Amendment.visit_id, order_by=(Amendment.amended_at.desc(), Amendment.id.desc()))
        .label("n"),
    )
    .where(Amendment.visit_id.in_(bindparam("visit_ids", expanding=True)))
    .subquery()
)
#: Each visit's latest amendment: the note as it now reads (not the change lists).
_LATEST_NOTES = (
    db.select(Amendment.visit_id, Amendment.note_after)
    .join(_RANKED_AMENDMENTS, _RANKED_AMENDMENTS.c.id == Amendment.id)
    .where(_RANKED_AMENDMENTS.c.n == 1)
)

#: {visit id: {context: {region: score}}}: the scores the pain history shows.
_STORED_PAIN = (
    db.select(PainScore.visit_id, PainScore.context, PainScore.region_code, PainScore.score)
    .where(
        PainScore.visit_id.in_(bindparam("visit_ids", expanding=True)),
        PainScore.context.in_((BEFORE_TREATMENT, AFTER_TREATMENT)),
    )
    .order_by(PainScore.visit_id, PainScore.id)  # the order of the visit_id index: no sort
)


def count_visits(patient_id: int) -> int:
    """Return how many visits the patient has had."""
    return db.session.connection().scalar(_VISIT_COUNT, {"patient_id": patient_id}) or 0


def recent_timeline(patient_id: int, *, limit: int, clinical: bool) -> list[TimelineRow]:
    """Return the lines of the patient's ``limit`` most recent visits, newest first."""
    return _timeline(patient_id, limit=limit, offset=0, clinical=clinical)


def timeline_page(patient_id: int, *, page: int, per_page: int, clinical: bool) -> TimelinePage:
    """Return page ``page`` of the patient's visits, newest first (no lines past the last page)."""
    total = count_visits(patient_id)
    rows = (
        _timeline(patient_id, limit=per_page, offset=(page - 1) * per_page, clinical=clinical)
        if (page - 1) * per_page < total
        else []
    )
    return TimelinePage(rows, page, per_page, total)


def _timeline(patient_id: int, *, limit: int, offset: int, clinical: bool) -> list[TimelineRow]:
    visits = db.session.execute(
        _VISIT_LINES, {"patient_id": patient_id, "limit": limit, "offset": offset}
    ).all()
    if not clinical:
        return [
            TimelineRow(
                visit_id, visit_at, practitioner.signature_name, signed_at is not None, [], [], [], False
            )
            for visit_id, visit_at, signed_at, _areas, practitioner in visits
        ]
    if not visits:
        return []
    # Plain rows through the session's connection: read-only columns need none of the ORM's result handling.
    connection = db.session.connection()
    ids = {"visit_ids": [visit.id for visit in visits]}
    points: dict[int, list[str]] = {}
    for visit_id, code in connection.execute(_POINTS, ids):
        points.setdefault(visit_id, []).append(code)
    notes: dict[int, dict] = {visit_id: note for visit_id, note in connection.execute(_LATEST_NOTES, ids)}
    pain: dict[int, dict[str, dict[str, int]]] = {}
    for visit_id, context, region_code, score in connection.execute(_STORED_PAIN, ids):
        pain.setdefault(visit_id, {}).setdefault(context, {})[region_code] = score
    rows = []
    for visit_id, visit_at, signed_at, areas, practitioner in visits:
        note = notes.get(visit_id)
        if note is not None:
            visit_at = datetime.fromisoformat(note["visit_at"]) if note.get("visit_at") else visit_at
            codes = [point["code"] for point in note["points"]]
            areas = note["massage_areas"]
        else:
            codes = points.get(visit_id, [])
        before_after = pain.get(visit_id, {})
        before, after = before_after.get(BEFORE_TREATMENT, {}), before_after.get(AFTER_TREATMENT, {})
        rows.append(
            TimelineRow(
                visit_id=visit_id,
                visit_at=visit_at,
                practitioner=practitioner.signature_name,
                is_signed=signed_at is not None,
                points=codes,
                regions=[region_label(code) for code in dict.fromkeys([*before, *(areas or [])])],
                pain=_pain_change(before, after),
                amended=note is not None,
            )
        )
    return rows


def _pain_change(before: dict, after: dict) -> list[str]:
    """Return 'Lower back, left 7 → 3' for the worst regions before treatment."""
    worst = sorted(before.items(), key=lambda item: -item[1])[:TIMELINE_PAIN_REGIONS]
    return [f"{region_label(code)} {score} → {after.get(code, '–')}" for code, score in worst]
