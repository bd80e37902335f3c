"""Finding patients by name, phone, date of birth or chart number.

Every kind of search is answered by an index: a date of birth (ix_patient_date_of_birth), all-digit input as the
start of a phone number (ix_patient_phone_digits) or as a chart number (unique). Other text is matched anywhere
in the chart number and, word by word, anywhere in the three names ("contains"), through a trigram index
(migration 0011): SQLite's FTS5 trigram table ``patient_name_search``, PostgreSQL's pg_trgm GIN indexes on lower()
of each column. A trigram index cannot look up fewer than three characters: a word of one or two only sifts what
the longer words found ("is patel"), and when every word is that short the surname must start with one of them
(``surname_starts_with``, on the indexed ``last_name_key``).
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, any_, column, func, literal_column, or_, table, tuple_

from intake.extensions import db
from intake.patients.models import NAME_SEARCH_TABLE, Patient

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE_PATTERN = re.compile(r"^[\d\s()+.\-]+$")
CHART_NUMBER = re.compile(r"^c?-?0*(\d{1,6})$", re.IGNORECASE)
#: The patient list counts matches up to this many, then says "more than" (the app's config may set
#: PATIENT_COUNT_CAP).
COUNT_CAP = 10_000
#: The list's order; ix_patient_list_order holds it after is_archived, so a page is read from the index.
LIST_ORDER = (Patient.last_name, Patient.first_name, Patient.id)
#: The shortest text a trigram index can look up.
TRIGRAM = 3
#: The names each word of a search is looked for in.
NAME_COLUMNS = (Patient.first_name, Patient.last_name, Patient.preferred_name)

_name_search = table(NAME_SEARCH_TABLE, column("rowid"))


def search_key(text: str) -> str:
    """Return the form of a name that prefix search compares (what Patient.last_name_key holds)."""
    return (text or "").strip().lower()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    """Match ``column`` containing ``text``, whatever the case (PostgreSQL: by its trigram index on lower())."""
    return func.lower(column).like(f"%{_escape_like(text.lower())}%", escape="\\")


def _phrase(text: str) -> str:
    """Quote ``text`` as one FTS5 phrase: with the trigram tokenizer, it matches as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _found_in_name_search(columns, texts: list[str]):
    """Match patients whose ``columns`` contain every one of ``texts`` (each in any of them), by the FTS5 table."""
    names = " ".join(each.key for each in columns)
    expression = " AND ".join(f"{{{names}}} : {_phrase(text)}" for text in texts)
    found = db.select(_name_search.c.rowid).where(literal_column(NAME_SEARCH_TABLE).match(expression))
    return Patient.id.in_(found)


def _chart_number_contains(text: str):
    if _dialect() == "sqlite":
        return _found_in_name_search([Patient.chart_number], [text])
    return _contains(Patient.chart_number, text)


def _names_contain(words: list[str]):
    """Match patients with each word somewhere in their first, last or preferred name."""
    if _dialect() == "sqlite":
        return _found_in_name_search(NAME_COLUMNS, words)
    return and_(*(or_(*(_contains(name, word) for name in NAME_COLUMNS)) for word in words))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _prefix_range(column, prefix: str):
    """Match ``column`` starting with ``prefix`` as a range of code points, which any B-tree index serves."""
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _starts_with(column, prefix: str):
    """Match ``column`` starting with ``prefix`` in a way its index (text_pattern_ops on PostgreSQL) can serve."""
    if _dialect() == "postgresql":
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
    words = [w for w in re.split(r"[\s,]+", query) if w]
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    if not words:  # separators alone
        return Patient.id.is_(None)
    sifted_by_short_words = [or_(*(_contains(name, word) for name in NAME_COLUMNS)) for word in short_words]
    if not long_words:
        # Nothing a trigram index can look up: the surname starts with one of the words (by its index), and
        # every word is in a name ("wu li" finds Li Wu).
        return and_(or_(*(surname_starts_with(w) for w in short_words)), *sifted_by_short_words)
    # The long words find the few candidates by index; a short word ("is patel") only sifts those.
    matching = or_(_chart_number_contains(query), and_(_names_contain(long_words), *sifted_by_short_words))
    if _dialect() == "postgresql":
        return _among_ids_found_first(matching)
    return matching


def _among_ids_found_first(condition):
    """Match patients among the ids ``condition`` finds on its own, before any ordering (PostgreSQL).

    Asked for the list's first page of a search, PostgreSQL's planner would rather walk a name index in list order,
    filtering every patient, than sort the few hundred its trigram indexes find (it expects the matches spread
    over the alphabet, but a name's matches sit together). An array of ids found first hides that choice.
    """
    found = db.select(Patient.id).where(condition).correlate(None).scalar_subquery()
    return Patient.id == any_(func.array(found))


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
