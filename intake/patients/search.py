"""Finding patients by name, phone, date of birth or chart number.

Every kind of search is answered by an index: a date of birth (ix_patient_date_of_birth), all-digit input as the
start of a phone number (ix_patient_phone_digits) or as a chart number (unique). Other text is matched anywhere
in the chart number and, word by word, anywhere in the three names ("contains"), through a trigram index
(migration 0011): SQLite's FTS5 trigram table ``patient_name_search``, PostgreSQL's pg_trgm GIN indexes on lower()
of each column. A trigram index cannot look up fewer than three characters: a word of one or two only sifts what
the longer words found ("is patel"), and when every word is that short the surname must start with one of them
(``surname_starts_with``, on the indexed ``last_name_key``).

A page of the list is one query and its capped count another, whatever the clinic's size. A phone search's parts
(the number's start, a chart number) are counted apart, each from an index alone (ix_patient_phone_digits); when
the digits match many patients — their names spread over the alphabet — the page is read in list order, sifting
by phone, rather than sorting thousands of matches to show a few. The list shows a few columns of each patient,
read as plain rows (``ListedPatient``), not whole charts.
"""

import operator
import re
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any, NamedTuple

from sqlalchemy import and_, any_, bindparam, case, column, func, literal_column, not_, or_, table, tuple_

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
#: A search spread over the alphabet matching more patients than this reads its page in list order, sifting:
#: about per_page × patients ÷ matches rows, against sorting every match (the app's config may set
#: PATIENT_LIST_WALK_FROM).
LIST_WALK_FROM = 500
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


@dataclass(frozen=True)
class PatientSearch:
    """What staff typed, as SQL: the condition patients match, and its parts, each counted from its own index."""

    condition: Any  # None: every patient
    parts: tuple[Any, ...]  # conditions that no patient matches two of, together matching ``condition``
    #: Matches fall anywhere in the alphabet (phone digits), so list order soon reaches a page of them.
    spread_over_names: bool = False
    #: Each part is a range of a B-tree index, cheap to walk twice (not a trigram lookup, which would run twice).
    by_btree: bool = True


EVERY_PATIENT = PatientSearch(condition=None, parts=(None,))


def _only(condition) -> PatientSearch:
    return PatientSearch(condition=condition, parts=(condition,))


def patient_search_filter(query: str):
    """Return a SQL condition matching patients for what staff typed, or None for 'all'."""
    return patient_search(query).condition


def patient_search(query: str) -> PatientSearch:
    """Return the search for what staff typed: a date of birth, phone digits, a chart number or names."""
    query = (query or "").strip()
    if not query:
        return EVERY_PATIENT
    if DATE_PATTERN.match(query):
        try:
            return _only(Patient.date_of_birth == date.fromisoformat(query))
        except ValueError:
            pass
    digits = re.sub(r"\D", "", query)
    if digits and PHONE_PATTERN.match(query):
        return _digits_search(digits)
    words = [w for w in re.split(r"[\s,]+", query) if w]
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    if not words:  # separators alone
        return _only(Patient.id.is_(None))
    sifted_by_short_words = [or_(*(_contains(name, word) for name in NAME_COLUMNS)) for word in short_words]
    if not long_words:
        # Nothing a trigram index can look up: the surname starts with one of the words (by its index), and
        # every word is in a name ("wu li" finds Li Wu).
        return _only(and_(or_(*(surname_starts_with(w) for w in short_words)), *sifted_by_short_words))
    # The long words find the few candidates by index; a short word ("is patel") only sifts those.
    matching = or_(_chart_number_contains(query), and_(_names_contain(long_words), *sifted_by_short_words))
    if _dialect() == "postgresql":
        matching = _among_ids_found_first(matching)
    return PatientSearch(condition=matching, parts=(matching,), by_btree=False)


def _digits_search(digits: str) -> PatientSearch:
    """Digits alone: the start of a phone number, or a chart number (1001 is C-001001) — both by index."""
    # Digits sort alike in any locale, so a code-point range is the prefix everywhere.
    phone = _prefix_range(Patient.phone_digits, digits) if len(digits) >= 3 else None
    chart_number = _chart_number(digits)
    chart = Patient.chart_number == chart_number if chart_number is not None else None
    if phone is None and chart is None:
        return _only(Patient.id.is_(None))
    if phone is None:
        return _only(chart)
    if chart is None:
        return PatientSearch(condition=phone, parts=(phone,), spread_over_names=True)
    parts = (phone, and_(chart, not_(phone)))  # a chart number whose phone starts so is counted once
    return PatientSearch(condition=or_(phone, chart), parts=parts, spread_over_names=True)


def _among_ids_found_first(condition):
    """Match patients among the ids ``condition`` finds on its own, before any ordering (PostgreSQL).

    Asked for the list's first page of a search, PostgreSQL's planner would rather walk a name index in list order,
    filtering every patient, than sort the few hundred its trigram indexes find (it expects the matches spread
    over the alphabet, but a name's matches sit together). An array of ids found first hides that choice.
    """
    found = db.select(Patient.id).where(condition).correlate(None).scalar_subquery()
    return Patient.id == any_(func.array(found))


class ListedPatient(NamedTuple):
    """The columns of a patient the list shows."""

    id: int
    last_name: str
    first_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    chart_number: str
    is_archived: bool

    @property
    def display_name(self) -> str:
        """'Last, First (Preferred)', as on the chart (Patient.display_name)."""
        return Patient.display_name.fget(self)  # type: ignore[attr-defined]


LISTED_COLUMNS = tuple(getattr(Patient, name) for name in ListedPatient._fields)


@dataclass(frozen=True)
class PatientPage:
    """One page of the patient list, the count of matches up to a cap, and the pager's keys."""

    items: list[ListedPatient]
    total: int  # exact when not ``total_is_capped``, else the cap
    total_is_capped: bool
    next_after: int | None  # the id to page on from, when more patients follow
    previous_before: int | None  # the id to page back from, when patients come before


def patient_page(
    search: PatientSearch,
    *,
    per_page: int,
    show_archived: bool = False,
    after: int | None = None,
    before: int | None = None,
    count_cap: int = COUNT_CAP,
    list_walk_from: int = LIST_WALK_FROM,
) -> PatientPage:
    """Fetch one page of ``search``'s matches in list order after (or before) a patient's place in it (keyset paging).

    The page is found from the index whatever its depth (no OFFSET), and the patient whose place it starts from
    is named by id, so no name is in the address.
    """
    if show_archived:
        kept = None
    elif search.condition is None:
        # The list: read in order from ix_patient_list_order (is_archived, last_name, first_name, id).
        kept = Patient.is_archived.is_(False)
    else:
        # A search: IS NOT TRUE keeps SQLite (no statistics) from walking every patient in list order instead of
        # finding the few matches by the phone, birth date or chart number index.
        kept = Patient.is_archived.is_not(True)
    counted = db.session.scalar(_capped_count(search, kept, count_cap)) or 0
    statement = db.select(*LISTED_COLUMNS)
    if search.spread_over_names and not show_archived and counted > list_walk_from:
        # Many matches spread over the alphabet: list order reaches a page of them within a few hundred rows.
        statement = statement.where(Patient.is_archived.is_(False), search.condition).with_hint(
            Patient, "INDEXED BY ix_patient_list_order", "sqlite"
        )
    else:
        statement = statement.where(*(c for c in (search.condition, kept) if c is not None))
    key = tuple_(*LIST_ORDER)
    anchor = _key_of(after if after is not None else before) if (after or before) else None
    rows: list[ListedPatient] = []
    if anchor is not None and after is not None:
        rows = _fetch(statement.where(key > anchor).order_by(*LIST_ORDER), per_page)
        has_previous, has_next = bool(rows), len(rows) > per_page
        rows = rows[:per_page]
    elif anchor is not None:
        backwards = statement.where(key < anchor).order_by(*(column.desc() for column in LIST_ORDER))
        rows = _fetch(backwards, per_page)
        has_previous, has_next = len(rows) > per_page, bool(rows)
        rows = list(reversed(rows[:per_page]))
        if len(rows) < per_page:
            rows = []  # near the start: show the first page, full
    if not rows:
        rows = _fetch(statement.order_by(*LIST_ORDER), per_page)
        has_previous, has_next = False, len(rows) > per_page
        rows = rows[:per_page]
    return PatientPage(
        items=rows,
        total=min(counted, count_cap),
        total_is_capped=counted > count_cap,
        next_after=rows[-1].id if has_next else None,
        previous_before=rows[0].id if has_previous else None,
    )


def _capped_count(search: PatientSearch, kept, count_cap: int):
    """Return a SELECT of the matches, each part counted up to the cap (more than the cap: cap + 1 or more).

    Of an index range, whether a match lies beyond the cap is asked first (a walk that reads nothing of each
    entry), and only a part within the cap is counted, by a plain count(*): both cheaper than counting a LIMITed
    subquery. Trigram matches are found once, in a LIMITed subquery selecting a constant.
    """
    counts = []
    for part in search.parts:
        conditions = [c for c in (part, kept) if c is not None]
        matching = db.select(literal_column("1")).where(*conditions)
        if search.by_btree:
            beyond_cap = matching.limit(1).offset(count_cap).exists()
            counted = db.select(func.count()).select_from(Patient).where(*conditions).scalar_subquery()
            counts.append(case((beyond_cap, count_cap + 1), else_=counted))
        else:
            capped = matching.limit(count_cap + 1).subquery()
            counts.append(db.select(func.count()).select_from(capped).scalar_subquery())
    return db.select(reduce(operator.add, counts))


_KEY_OF = db.select(*LIST_ORDER).where(Patient.id == bindparam("patient_id"))


def _key_of(patient_id: int | None):
    """Return the list-order key of a patient as literals, so the index is entered at its place, or None."""
    found = db.session.execute(_KEY_OF, {"patient_id": patient_id}).first()
    return tuple_(*(db.literal(value) for value in found)) if found is not None else None


def _fetch(statement, per_page: int) -> list[ListedPatient]:
    return [ListedPatient(*row) for row in db.session.execute(statement.limit(per_page + 1))]
