"""Today: the lists of the clinic's day, each counted up to a cap, shown ten at a time and paged by key.

Every list is a query with a time to order by and a record id to break ties; the page reads each list in
one query (none when the count found it empty), and all the counts in one more, so Today costs the same at
any size of clinic. Each statement is built once per process with bound parameters (the user, the clinic's
day, the time now, the page's key and size) filled in per request, so a request pays for running its
statements, not for putting them together.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from intake.auth.models import User
from intake.auth.roles import CLINICAL, STAFF
from intake.clinic_time import clinic_zone, format_datetime, to_clinic_time, utcnow
from intake.database import UTCDateTime
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.alerts import Alert
from intake.questionnaire.decisions import open_red_flags, undecided_red_flag_intakes
from intake.questionnaire.models import IN_PROGRESS, KIOSK, LINK, SUBMITTED, Intake, IntakeAccess
from intake.visits.models import Visit
from intake.visits.operations import DRAFT_OVERDUE_AFTER

#: Rows of each list on Today itself; the rest are on the list's own page.
SHOWN_ON_TODAY = 10
#: Rows per page of a list's own page.
PAGE_SIZE = 50
#: Counts stop here ("More than 10,000"), so a count never walks a whole table.
COUNT_CAP = 10_000
#: A link that ran out this recently, unanswered, is still worth sending again.
EXPIRED_LINKS_KEPT_FOR = timedelta(days=14)
#: What front desk reads instead of a red flag's wording.
FOR_A_PRACTITIONER = "Needs a practitioner"


@dataclass(frozen=True)
class PageKey:
    """Where a page of a list starts: after the row with this time and id."""

    moment: datetime
    row_id: int

    _SHAPE = re.compile(r"^(\d{8}T\d{6}\.\d{6})~(\d{1,18})$")

    def encode(self) -> str:
        return f"{self.moment.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%f')}~{self.row_id}"

    @classmethod
    def decode(cls, raw: str | None) -> "PageKey | None":
        """Read a key from a URL; anything else (junk, a date that does not exist) is the first page."""
        match = cls._SHAPE.match(raw or "")
        if match is None:
            return None
        try:
            moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        return cls(moment, int(match.group(2)))


@dataclass(frozen=True)
class Entry:
    """One row of a list: the patient, the time the list is ordered by, and the record it is about."""

    patient: Patient
    moment: datetime
    key: PageKey
    record: Any
    #: What the row says beyond the patient and the time (red flags named for clinical roles, what was seen).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListQuery:
    """The rows of a list (not ordered, not limited), the time they are ordered by and the id breaking ties."""

    statement: Select
    moment: SQLColumnExpression[datetime | None]
    row_id: SQLColumnExpression[int]
    #: Rows are one record each (else a tuple of the record and more columns).
    one_record_a_row: bool = True


@dataclass(frozen=True)
class DayList:
    """One list of Today: what it holds, who sees it, and the query behind it."""

    slug: str
    title: str
    empty: str
    roles: tuple[str, ...]
    #: The list's query, its values as bound parameters (those of ``_parameters``).
    query: Callable[[], ListQuery]
    newest_first: bool
    #: Turn the rows of one page into entries, for the viewer's role (a constant number of queries).
    entries: Callable[[list[Any], str], list[Entry]]


@dataclass
class ListPage:
    """What a page shows of one list: its rows, its count (capped), and where the next page starts."""

    day_list: DayList
    entries: list[Entry]
    count: int
    count_cap: int = COUNT_CAP
    next_key: PageKey | None = None
    starts_after: PageKey | None = None

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.count_cap

    @property
    def has_more(self) -> bool:
        return self.count_is_capped or self.count > len(self.entries)


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    zone = clinic_zone()
    start = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


# What a request fills into the statements: the signed-in user, the time now, the clinic's day.
USER_ID = bindparam("user_id", type_=Integer)
NOW = bindparam("now", type_=UTCDateTime())
LINKS_SINCE = bindparam("links_since", type_=UTCDateTime())
DAY_START = bindparam("day_start", type_=UTCDateTime())
DAY_END = bindparam("day_end", type_=UTCDateTime())
ROW_LIMIT = bindparam("row_limit", type_=Integer)
COUNT_LIMIT = bindparam("count_limit", type_=Integer)
AFTER_MOMENT = bindparam("after_moment", type_=UTCDateTime())
AFTER_ID = bindparam("after_id", type_=Integer)


def _parameters(user_id: int) -> dict[str, Any]:
    now = utcnow()
    start, end = _day_bounds(now)
    return {
        "user_id": user_id,
        "now": now,
        "links_since": now - EXPIRED_LINKS_KEPT_FOR,
        "day_start": start,
        "day_end": end,
    }


# --- Intakes ---------------------------------------------------------------------------------


def _submitted_intakes() -> Select:
    return (
        select(Intake)
        .join(Intake.patient)
        .where(Intake.status == SUBMITTED, Patient.is_archived.is_(False))
        .options(joinedload(Intake.patient))
    )


def _undecided_red_flags() -> ListQuery:
    statement = undecided_red_flag_intakes().options(joinedload(Intake.patient))
    return ListQuery(statement, Intake.submitted_at, Intake.id)


def _not_reviewed() -> ListQuery:
    statement = _submitted_intakes().where(Intake.reviewed_at.is_(None))
    return ListQuery(statement, Intake.submitted_at, Intake.id)


def _flag_name(alert: Alert) -> str:
    """Name a red flag as a practitioner reads it ("saddle numbness")."""
    return alert.message.removeprefix("Red flag: ").partition(" — ")[0]


def _red_flag_entries(intakes: list[Intake], role: str) -> list[Entry]:
    entries = []
    for found in open_red_flags(intakes):
        intake = found.intake
        assert intake.submitted_at is not None  # noqa: S101  (the list holds submitted intakes only)
        notes = (
            tuple(_flag_name(flag) for flag in found.undecided) if role in CLINICAL else (FOR_A_PRACTITIONER,)
        )
        entries.append(
            Entry(found.patient, intake.submitted_at, PageKey(intake.submitted_at, intake.id), intake, notes)
        )
    return entries


def _intake_entry(intake: Intake, role: str) -> Entry:
    assert intake.submitted_at is not None  # noqa: S101
    return Entry(intake.patient, intake.submitted_at, PageKey(intake.submitted_at, intake.id), intake)


# --- Links and tablets ---------------------------------------------------------------------


def _open_grants(kind: str) -> Select:
    statement = (
        select(IntakeAccess)
        .join(IntakeAccess.intake)
        .join(Intake.patient)
        .where(
            IntakeAccess.kind == kind,
            IntakeAccess.revoked_at.is_(None),
            Intake.status == IN_PROGRESS,
            Patient.is_archived.is_(False),
        )
        .options(joinedload(IntakeAccess.intake).joinedload(Intake.patient))
    )
    if kind == LINK:
        return statement.where(IntakeAccess.expires_at > LINKS_SINCE)
    return statement.where(IntakeAccess.expires_at > NOW)


def _open_links() -> ListQuery:
    return ListQuery(_open_grants(LINK), IntakeAccess.expires_at, IntakeAccess.id)


def _open_tablets() -> ListQuery:
    return ListQuery(_open_grants(KIOSK), IntakeAccess.created_at, IntakeAccess.id)


def _link_entry(grant: IntakeAccess, role: str) -> Entry:
    notes = ("Expired",) if grant.expires_at <= utcnow() else ()
    return Entry(grant.intake.patient, grant.expires_at, PageKey(grant.expires_at, grant.id), grant, notes)


def _tablet_entry(grant: IntakeAccess, role: str) -> Entry:
    return Entry(grant.intake.patient, grant.created_at, PageKey(grant.created_at, grant.id), grant)


# --- Visit notes ---------------------------------------------------------------------------


def _own_drafts() -> ListQuery:
    statement = (
        select(Visit)
        .where(Visit.practitioner_id == USER_ID, Visit.signed_at.is_(None))
        .options(joinedload(Visit.patient))
    )
    return ListQuery(statement, Visit.created_at, Visit.id)


#: Said of a draft left longer than visits' overdue limit.
OVERDUE = "Overdue"


def _draft_entry(visit: Visit, role: str) -> Entry:
    notes = (OVERDUE,) if visit.created_at < utcnow() - DRAFT_OVERDUE_AFTER else ()
    return Entry(visit.patient, visit.created_at, PageKey(visit.created_at, visit.id), visit, notes)


# --- Patients seen today -------------------------------------------------------------------

SEEN_FOR_A_VISIT = "Visit"
SEEN_FOR_AN_INTAKE = "Intake"


def _seen_today_moments():
    """Every moment a patient was seen today: a visit note dated today, an intake submitted today.

    Each further kind of record (a return-visit check-in) joins as one more select of the union.
    """
    # Through the staff accounts (a short table), so the visits are found in ix_visit_practitioner_time,
    # each practitioner's day read from it, never the whole visit table.
    practitioner_ids = select(User.id).scalar_subquery()
    visits = select(
        Visit.patient_id.label("patient_id"),
        Visit.visit_at.label("moment"),
        literal(SEEN_FOR_A_VISIT).label("seen_for"),
    ).where(
        Visit.practitioner_id.in_(practitioner_ids), Visit.visit_at >= DAY_START, Visit.visit_at < DAY_END
    )
    intakes = select(
        Intake.patient_id.label("patient_id"),
        Intake.submitted_at.label("moment"),
        literal(SEEN_FOR_AN_INTAKE).label("seen_for"),
    ).where(Intake.status == SUBMITTED, Intake.submitted_at >= DAY_START, Intake.submitted_at < DAY_END)
    return union_all(visits, intakes).subquery("seen_today")


def _seen_today() -> ListQuery:
    moments = _seen_today_moments()
    seen = (
        select(
            moments.c.patient_id,
            func.min(moments.c.moment).label("first_seen"),
            func.sum(case((moments.c.seen_for == SEEN_FOR_A_VISIT, 1), else_=0)).label("visits"),
            func.sum(case((moments.c.seen_for == SEEN_FOR_AN_INTAKE, 1), else_=0)).label("intakes"),
        )
        .group_by(moments.c.patient_id)
        .subquery("seen_by_patient")
    )
    statement = select(Patient, seen.c.first_seen, seen.c.visits, seen.c.intakes).join(
        seen, seen.c.patient_id == Patient.id
    )
    return ListQuery(statement, seen.c.first_seen, Patient.id, one_record_a_row=False)


def _seen_entry(row: Any, role: str) -> Entry:
    patient, first_seen, visits, intakes = row
    notes = tuple(
        label for label, number in ((SEEN_FOR_A_VISIT, visits), (SEEN_FOR_AN_INTAKE, intakes)) if number
    )
    return Entry(patient, first_seen, PageKey(first_seen, patient.id), patient, notes)


def _each(entry: Callable[[Any, str], Entry]) -> Callable[[list[Any], str], list[Entry]]:
    """Turn a row-by-row entry into the entries of a page."""
    return lambda rows, role: [entry(row, role) for row in rows]


# --- The lists, in page order ----------------------------------------------------------------

RED_FLAGS = DayList(
    "red-flags",
    "Needs attention: red flags to decide",
    "No red flags waiting for a decision.",
    STAFF,
    _undecided_red_flags,
    newest_first=True,
    entries=_red_flag_entries,
)
NOT_REVIEWED = DayList(
    "not-reviewed",
    "Intakes to review",
    "Every submitted intake has been reviewed.",
    STAFF,
    _not_reviewed,
    newest_first=True,
    entries=_each(_intake_entry),
)
OPEN_LINKS = DayList(
    "links",
    "Intake links sent, not completed",
    "No intake links are waiting for a patient.",
    STAFF,
    _open_links,
    newest_first=False,
    entries=_each(_link_entry),
)
OPEN_TABLETS = DayList(
    "tablets",
    "Clinic tablets with an intake open",
    "No clinic tablet has an intake open.",
    STAFF,
    _open_tablets,
    newest_first=True,
    entries=_each(_tablet_entry),
)
OWN_DRAFTS = DayList(
    "drafts",
    "Your unsigned notes",
    "All your visit notes are signed.",
    CLINICAL,
    _own_drafts,
    newest_first=False,
    entries=_each(_draft_entry),
)
SEEN_TODAY = DayList(
    "seen",
    "Patients seen today",
    "No patients seen yet today.",
    STAFF,
    _seen_today,
    newest_first=False,
    entries=_each(_seen_entry),
)
DAY_LISTS: tuple[DayList, ...] = (RED_FLAGS, NOT_REVIEWED, OPEN_LINKS, OPEN_TABLETS, OWN_DRAFTS, SEEN_TODAY)
LISTS_BY_SLUG = {day_list.slug: day_list for day_list in DAY_LISTS}


def lists_for(role: str) -> list[DayList]:
    """Return the lists a role sees on Today, in page order."""
    return [day_list for day_list in DAY_LISTS if role in day_list.roles]


@cache
def _list_query(day_list: DayList) -> ListQuery:
    return day_list.query()


@cache
def _page_statement(day_list: DayList, paged: bool) -> Select:
    """Build, once, a list's page: ordered, limited, and (``paged``) starting after a key."""
    query = _list_query(day_list)
    statement = query.statement
    newest_first = day_list.newest_first
    if paged:
        if newest_first:
            beyond = or_(
                query.moment < AFTER_MOMENT, and_(query.moment == AFTER_MOMENT, query.row_id < AFTER_ID)
            )
        else:
            beyond = or_(
                query.moment > AFTER_MOMENT, and_(query.moment == AFTER_MOMENT, query.row_id > AFTER_ID)
            )
        statement = statement.where(beyond)
    if newest_first:
        statement = statement.order_by(query.moment.desc(), query.row_id.desc())
    else:
        statement = statement.order_by(query.moment, query.row_id)
    return statement.limit(ROW_LIMIT)


def _rows(
    day_list: DayList, parameters: dict[str, Any], role: str, limit: int, after: PageKey | None
) -> list[Entry]:
    values = {**parameters, "row_limit": limit}
    if after is not None:
        values.update(after_moment=after.moment, after_id=after.row_id)
    result = db.session.execute(_page_statement(day_list, after is not None), values)
    rows = result.scalars().all() if _list_query(day_list).one_record_a_row else result.all()
    return day_list.entries(list(rows), role)


def _capped_count(query: ListQuery) -> ColumnElement:
    """Count a list's rows, stopping at the count limit (one beyond the cap)."""
    limited = query.statement.with_only_columns(query.row_id).limit(COUNT_LIMIT).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


@cache
def _count_statement(day_lists: tuple[DayList, ...]) -> Select:
    """Build, once, the statement counting these lists in one query."""
    return select(
        *[_capped_count(_list_query(day_list)).label(f"n{n}") for n, day_list in enumerate(day_lists)]
    )


def _counts(day_lists: list[DayList], parameters: dict[str, Any], cap: int) -> dict[str, int]:
    """Count every list in one query."""
    row = db.session.execute(_count_statement(tuple(day_lists)), {**parameters, "count_limit": cap + 1}).one()
    return {day_list.slug: int(number) for day_list, number in zip(day_lists, row, strict=True)}


def today(user_id: int, role: str, *, count_cap: int = COUNT_CAP) -> list[ListPage]:
    """Load Today for a user: the first rows of each list the role sees, and every list's count."""
    day_lists = lists_for(role)
    parameters = _parameters(user_id)
    counts = _counts(day_lists, parameters, count_cap)
    pages = []
    for day_list in day_lists:
        # A list the count found empty has no rows to read.
        entries = _rows(day_list, parameters, role, SHOWN_ON_TODAY, None) if counts[day_list.slug] else []
        pages.append(ListPage(day_list, entries, counts[day_list.slug], count_cap))
    return pages


def list_page(
    day_list: DayList,
    user_id: int,
    role: str,
    after: PageKey | None,
    *,
    page_size: int = PAGE_SIZE,
    count_cap: int = COUNT_CAP,
) -> ListPage:
    """Load one page of one list: ``page_size`` rows after ``after`` (the first page when None), and the count."""
    parameters = _parameters(user_id)
    counts = _counts([day_list], parameters, count_cap)
    entries = _rows(day_list, parameters, role, page_size + 1, after) if counts[day_list.slug] else []
    next_key = entries[page_size - 1].key if len(entries) > page_size else None
    return ListPage(
        day_list, entries[:page_size], counts[day_list.slug], count_cap, next_key=next_key, starts_after=after
    )


def age_in_words(moment: datetime) -> str:
    """Say how long ago ``moment`` was, to the unit that matters ("3 days", "5 hours", "under a minute")."""
    seconds = max(0, int((utcnow() - moment).total_seconds()))
    for unit, length in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= length:
            number = seconds // length
            return f"{number} {unit}{'' if number == 1 else 's'}"
    return "under a minute"


def moment_in_words(moment: datetime) -> str:
    """Show a time as the clinic reads it: "today 9:05 AM", else its date and time."""
    local = to_clinic_time(moment)
    if local.date() == utcnow().astimezone(clinic_zone()).date():
        return "today " + local.strftime("%-I:%M %p")
    return format_datetime(moment)
