"""The visit timeline: one line per visit with its date, practitioner, points, regions treated and pain.

Front desk sees that a visit happened (date, practitioner); clinical staff also see the points,
the regions treated and pain before → after, as the note now reads (amendments included).
A page of lines costs the same few queries whether the patient has one visit or three hundred,
and loads only the columns a line shows (never the notes themselves): the visits with their
practitioners, their latest amendments and the patient's number of visits in one statement, then
the points and the stored pain scores of the visits shown. The statements are built once, with
their values bound per page, and each line links its note by an address built once per page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil
from typing import NamedTuple

from flask import url_for
from sqlalchemy import bindparam, func

from intake.auth.models import User, signature_name
from intake.extensions import db
from intake.paging import NumberedPage
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.regions import region_label
from intake.visits.models import Amendment, Visit, VisitPoint

TIMELINE_PAIN_REGIONS = 3


class TimelineRow(NamedTuple):
    visit_id: int
    visit_at: datetime  # as the note now reads (an amendment may have corrected it)
    practitioner: str  # the practitioner's name as signed, e.g. 'Mei Chen, R.Ac'
    is_signed: bool
    points: list[str]
    regions: list[str]
    pain: list[str]
    amended: bool
    address: str = ""  # the note's read page (clinical staff only: front desk opens no note)


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


#: The order of a patient's visits on the timeline: newest first (the patient's time index).
_NEWEST_FIRST = (Visit.visit_at.desc(), Visit.id.desc())


@cache
def _visit_lines(clinical: bool):
    """Return the statement of a page of visit lines, with the patient's number of visits on every line.

    Clinical staff's lines also carry the visit's latest amendment, the note as it now reads (never the change
    lists); front desk's read no note.
    """
    counted = Visit.__table__.alias("counted_visit")
    total = (
        db.select(func.count(counted.c.id))
        .where(counted.c.patient_id == bindparam("patient_id"))
        .scalar_subquery()
    )
    signed = Visit.signed_at.is_not(None).label("is_signed")
    columns = [Visit.id, Visit.visit_at, signed, User.full_name, User.designation, total.label("total")]
    if clinical:
        latest_note = (
            db.select(Amendment.note_after)
            .where(Amendment.visit_id == Visit.id)
            .order_by(Amendment.amended_at.desc(), Amendment.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        columns += [Visit.massage_areas, latest_note.label("note_after")]
    return (
        db.select(*columns)
        .join(User, User.id == Visit.practitioner_id)
        .where(Visit.patient_id == bindparam("patient_id"))
        .order_by(*_NEWEST_FIRST)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


_VISIT_COUNT = db.select(func.count(Visit.id)).where(Visit.patient_id == bindparam("patient_id"))

_POINTS = (
    db.select(VisitPoint.visit_id, VisitPoint.code)
    .where(VisitPoint.visit_id.in_(bindparam("visit_ids", expanding=True)))
    .order_by(VisitPoint.visit_id, VisitPoint.position)
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


def recent_timeline(patient_id: int, *, limit: int, clinical: bool) -> tuple[list[TimelineRow], int]:
    """Return the lines of the patient's ``limit`` most recent visits, newest first, and how many visits there are."""
    rows, total = _timeline(patient_id, limit=limit, offset=0, clinical=clinical)
    return rows, total or 0


def timeline_page(patient_id: int, *, page: int, per_page: int, clinical: bool) -> TimelinePage:
    """Return page ``page`` of the patient's visits, newest first (no lines past the last page)."""
    rows, total = _timeline(patient_id, limit=per_page, offset=(page - 1) * per_page, clinical=clinical)
    if total is None:  # no line on this page: the first page of a patient without visits, or past the last
        total = count_visits(patient_id) if page > 1 else 0
    return TimelinePage(rows, page, per_page, total)


def note_addresses(patient_id: int) -> Callable[[int], str]:
    """Return the address of each of the patient's visit notes, from one address built by the router.

    A page of lines links twenty-five notes: building each address anew costs more than writing the line.
    """
    head, _, tail = url_for("visits.show", patient_id=patient_id, visit_id=0).rpartition("/0")
    return lambda visit_id: f"{head}/{visit_id}{tail}"


def _timeline(
    patient_id: int, *, limit: int, offset: int, clinical: bool
) -> tuple[list[TimelineRow], int | None]:
    """Return a page of lines and the patient's number of visits (None when the page has no line)."""
    # Plain rows through the session's connection: read-only columns need none of the ORM's result handling.
    connection = db.session.connection()
    visits = connection.execute(
        _visit_lines(clinical), {"patient_id": patient_id, "limit": limit, "offset": offset}
    ).all()
    if not visits:
        return [], None
    total = visits[0].total
    names = {
        (line.full_name, line.designation): signature_name(line.full_name, line.designation)
        for line in visits
    }
    if not clinical:
        return [
            TimelineRow(
                line.id,
                line.visit_at,
                names[line.full_name, line.designation],
                line.is_signed,
                [],
                [],
                [],
                False,
            )
            for line in visits
        ], total
    ids = {"visit_ids": [line.id for line in visits]}
    points: dict[int, list[str]] = {}
    # Whole results at once: a row-by-row read asks the driver for each row.
    for visit_id, code in connection.execute(_POINTS, ids).all():
        points.setdefault(visit_id, []).append(code)
    pain: dict[int, dict[str, dict[str, int]]] = {}
    for visit_id, context, region_code, score in connection.execute(_STORED_PAIN, ids).all():
        pain.setdefault(visit_id, {}).setdefault(context, {})[region_code] = score
    address = note_addresses(patient_id)
    rows = []
    for visit_id, visit_at, is_signed, full_name, designation, _total, areas, note in visits:
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
                practitioner=names[full_name, designation],
                is_signed=is_signed,
                points=codes,
                regions=[region_label(code) for code in dict.fromkeys([*before, *(areas or [])])],
                pain=_pain_change(before, after),
                amended=note is not None,
                address=address(visit_id),
            )
        )
    return rows, total


def _pain_change(before: dict, after: dict) -> list[str]:
    """Return 'Lower back, left 7 → 3' for the worst regions before treatment."""
    worst = sorted(before.items(), key=lambda item: -item[1])[:TIMELINE_PAIN_REGIONS]
    return [f"{region_label(code)} {score} → {after.get(code, '–')}" for code, score in worst]
