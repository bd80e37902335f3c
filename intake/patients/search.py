"""Finding patients by name, phone, date of birth or chart number.

What can use an index does: a date of birth (ix_patient_date_of_birth), all-digit input as the start of a phone
number (ix_patient_phone_digits) or as a chart number (unique). Other text is matched anywhere in the chart
number and the three names ("contains"): that is still a scan of the patient table, so a surname-prefix term
(``surname_starts_with``, on the indexed ``last_name_key``) would not make it faster while it is OR-ed with the
scan; it becomes useful once "contains" has an index of its own (FTS5 trigram / pg_trgm).
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, tuple_

from intake.extensions import db
from intake.patients.models import Patient

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE_PATTERN = re.compile(r"^[\d\s()+.\-]+$")
CHART_NUMBER = re.compile(r"^c?-?0*(\d{1,6})$", re.IGNORECASE)
#: The patient list counts matches up to this many, then says "more than" (the app's config may set
#: PATIENT_COUNT_CAP).
COUNT_CAP = 10_000
#: The list's order; ix_patient_list_order holds it after is_archived, so a page is read from the index.
LIST_ORDER = (Patient.last_name, Patient.first_name, Patient.id)


def search_key(text: str) -> str:
    """Return the form of a name that prefix search compares (what Patient.last_name_key holds)."""
    return (text or "").strip().lower()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    return func.lower(column).like(f"%{_escape_like(text.lower())}%", escape="\\")


def _prefix_range(column, prefix: str):
    """Match ``column`` starting with ``prefix`` as a range of code points, which any B-tree index serves."""
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _starts_with(column, prefix: str):
    """Match ``column`` starting with ``prefix`` in a way its index (text_pattern_ops on PostgreSQL) can serve."""
    if db.session.get_bind().dialect.name == "postgresql":
        # A locale's collation does not sort by code point, so PostgreSQL ranges over text_pattern_ops instead.
        return column.like(f"{_escape_like(prefix)}%", escape="\\")
    # SQLite's LIKE ignores case and so skips a BINARY index; the code-point range is the same test there.
    return _prefix_range(column, prefix)


def surname_starts_with(prefix: str):
    """Return a condition on the indexed lower-cased surname: it starts with ``prefix``."""
    return _starts_with(Patient.last_name_key, search_key(prefix))


def _chart_number(query: str) -> str | None:
    match = CHART_NUMBER.match(query)
    return f"C-{int(match.group(1)):06d}" if match else None


def patient_search_filter(query: str):
    """Return a SQL condition matching patients for what staff typed, or None for 'all'."""
    query = (query or "").strip()
    if not query:
        return None
    if DATE_PATTERN.match(query):
        try:
            return Patient.date_of_birth == date.fromisoformat(query)
        except ValueError:
            pass
    digits = re.sub(r"\D", "", query)
    if digits and PHONE_PATTERN.match(query):
        # Digits alone: the start of a phone number, or a chart number (1001 is C-001001) — both by index.
        conditions = []
        if len(digits) >= 3:
            conditions.append(_prefix_range(Patient.phone_digits, digits))  # digits sort alike in any locale
        chart_number = _chart_number(digits)
        if chart_number is not None:
            conditions.append(Patient.chart_number == chart_number)
        return or_(*conditions) if conditions else Patient.id.is_(None)
    conditions = [_contains(Patient.chart_number, query)]
    words = [w for w in re.split(r"[\s,]+", query) if w]
    name_match = and_(
        *(
            or_(
                _contains(Patient.first_name, word),
                _contains(Patient.last_name, word),
                _contains(Patient.preferred_name, word),
            )
            for word in words
        )
    )
    conditions.append(name_match)
    return or_(*conditions)


@dataclass(frozen=True)
class PatientPage:
    """One page of the patient list, the count of matches up to a cap, and the pager's keys."""

    items: list[Patient]
    total: int  # exact when not ``total_is_capped``, else the cap
    total_is_capped: bool
    next_after: int | None  # the id to page on from, when more patients follow
    previous_before: int | None  # the id to page back from, when patients come before


def patient_page(
    statement,
    *,
    per_page: int,
    after: int | None = None,
    before: int | None = None,
    count_cap: int = COUNT_CAP,
) -> PatientPage:
    """Fetch one page of ``statement`` in list order after (or before) a patient's place in it (keyset paging).

    The page is found from the index whatever its depth (no OFFSET), and the patient whose place it starts from
    is named by id, so no name is in the address.
    """
    key = tuple_(*LIST_ORDER)
    anchor = db.session.get(Patient, after if after is not None else before) if (after or before) else None
    rows: list[Patient] = []
    if anchor is not None and after is not None:
        rows = _fetch(statement.where(key > _key_of(anchor)).order_by(*LIST_ORDER), per_page)
        has_previous, has_next = bool(rows), len(rows) > per_page
        rows = rows[:per_page]
    elif anchor is not None:
        backwards = statement.where(key < _key_of(anchor)).order_by(*(column.desc() for column in LIST_ORDER))
        rows = _fetch(backwards, per_page)
        has_previous, has_next = len(rows) > per_page, bool(rows)
        rows = list(reversed(rows[:per_page]))
        if len(rows) < per_page:
            rows = []  # near the start: show the first page, full
    if not rows:
        rows = _fetch(statement.order_by(*LIST_ORDER), per_page)
        has_previous, has_next = False, len(rows) > per_page
        rows = rows[:per_page]
    matching = statement.order_by(None).with_only_columns(Patient.id).limit(count_cap + 1).subquery()
    counted = db.session.scalar(db.select(func.count()).select_from(matching)) or 0
    return PatientPage(
        items=rows,
        total=min(counted, count_cap),
        total_is_capped=counted > count_cap,
        next_after=rows[-1].id if has_next else None,
        previous_before=rows[0].id if has_previous else None,
    )


def _key_of(patient: Patient):
    return tuple_(db.literal(patient.last_name), db.literal(patient.first_name), db.literal(patient.id))


def _fetch(statement, per_page: int) -> list[Patient]:
    return list(db.session.scalars(statement.limit(per_page + 1)))
