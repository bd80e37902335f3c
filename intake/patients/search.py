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
by phone, rather than sorting thousands of matches to show a few. On SQLite a search by words alone is one
question of the FTS5 table, which counts its matches without reading a patient's row. The list shows a few
columns of each patient, read as plain rows (``ListedPatient``), not whole charts; each kind of search
(``PatientSearch.shape``) builds its statements once, its values bound by name.
"""

import operator
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, reduce
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    not_,
    or_,
    table,
    tuple_,
)
from sqlalchemy.sql import visitors

from intake.extensions import db
from intake.patients.models import NAME_SEARCH_TABLE, Patient, display_name

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


def _contains_pattern(text: str) -> str:
    """Return the LIKE pattern of a lower-cased column containing ``text`` (PostgreSQL: by its trigram index)."""
    return f"%{_escape_like(text.lower())}%"


def _contains(column, name: str):
    """Match ``column`` containing the text bound as ``name`` (a pattern of ``_contains_pattern``), any case."""
    return func.lower(column).like(bindparam(name, type_=String()), escape="\\")


def _phrase(text: str) -> str:
    """Quote ``text`` as one FTS5 phrase: with the trigram tokenizer, it matches as a substring."""
    return '"' + text.replace('"', '""') + '"'


def _name_search_expression(columns, texts: list[str]) -> str:
    """Return the FTS5 query matching ``columns`` that contain every one of ``texts`` (each in any of them)."""
    names = " ".join(each.key for each in columns)
    return " AND ".join(f"{{{names}}} : {_phrase(text)}" for text in texts)


def _found_in_name_search(name: str):
    """Match patients the FTS5 table finds for the query bound as ``name``."""
    match = literal_column(NAME_SEARCH_TABLE).match(bindparam(name, type_=String()))
    return Patient.id.in_(db.select(_name_search.c.rowid).where(match))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _after_prefix(prefix: str) -> str:
    """Return the first text after every text starting with ``prefix``, in code-point order."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix_range(column, prefix: str):
    """Match ``column`` starting with ``prefix`` as a range of code points, which any B-tree index serves."""
    return and_(column >= prefix, column < _after_prefix(prefix))


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
class SearchSQL:
    """A kind of search as SQL with its values bound by name: the condition and its parts, built once."""

    condition: Any  # None: every patient
    parts: tuple[Any, ...]  # conditions that no patient matches two of, together matching ``condition``
    #: Matches fall anywhere in the alphabet (phone digits), so list order soon reaches a page of them.
    spread_over_names: bool = False
    #: Each part is a range of a B-tree index, cheap to walk twice (not a trigram lookup, which would run twice).
    by_btree: bool = True
    #: The condition is one question of the FTS5 table (bound as ``name_search``), which counts its matches.
    by_name_search: bool = False


@dataclass(frozen=True)
class PatientSearch:
    """What staff typed: the kind of search (``shape``, whose SQL is built once) and the values it binds."""

    shape: tuple
    values: dict[str, Any]

    @property
    def sql(self) -> SearchSQL:
        return _search_sql(self.shape)


EVERY_PATIENT = PatientSearch(shape=("all",), values={})
NO_PATIENT = PatientSearch(shape=("nothing",), values={})


def patient_search_filter(query: str):
    """Return a SQL condition matching patients for what staff typed, or None for 'all'."""
    search = patient_search(query)
    condition = search.sql.condition
    if condition is None:
        return None

    def bind_value(bind) -> None:
        if bind.key in search.values:
            bind.value, bind.required = search.values[bind.key], False

    return visitors.cloned_traverse(condition, {}, {"bindparam": bind_value})


def patient_search(query: str) -> PatientSearch:
    """Return the search for what staff typed: a date of birth, phone digits, a chart number or names."""
    query = (query or "").strip()
    if not query:
        return EVERY_PATIENT
    if DATE_PATTERN.match(query):
        try:
            return PatientSearch(("birth_date",), {"birth_date": date.fromisoformat(query)})
        except ValueError:
            pass
    digits = re.sub(r"\D", "", query)
    if digits and PHONE_PATTERN.match(query):
        return _digits_search(digits)
    words = [w for w in re.split(r"[\s,]+", query) if w]
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    if not words:  # separators alone
        return NO_PATIENT
    dialect = _dialect()
    values: dict[str, Any] = {f"sift_{n}": _contains_pattern(word) for n, word in enumerate(short_words)}
    if not long_words:
        for n, word in enumerate(short_words):
            prefix = search_key(word)
            if dialect == "postgresql":
                values[f"surname_{n}"] = f"{_escape_like(prefix)}%"
            else:
                values[f"surname_{n}"], values[f"surname_after_{n}"] = prefix, _after_prefix(prefix)
        return PatientSearch(("short_words", len(short_words), dialect), values)
    if dialect == "sqlite":
        chart_contains = _name_search_expression([Patient.chart_number], [query])
        names_contain = _name_search_expression(NAME_COLUMNS, long_words)
        if not short_words:
            # One question of the FTS5 table finds every match, so it can count them too.
            values["name_search"] = f"({chart_contains}) OR ({names_contain})"
            return PatientSearch(("name_search",), values)
        values["chart_contains"], values["names_contain"] = chart_contains, names_contain
    else:
        values["chart_contains"] = _contains_pattern(query)
        values.update({f"word_{n}": _contains_pattern(word) for n, word in enumerate(long_words)})
    return PatientSearch(("words", len(long_words), len(short_words), dialect), values)


def _digits_search(digits: str) -> PatientSearch:
    """Digits alone: the start of a phone number, or a chart number (1001 is C-001001) — both by index."""
    values = {}
    if len(digits) >= 3:
        # Digits sort alike in any locale, so a code-point range is the prefix everywhere.
        values["phone"], values["phone_after"] = digits, _after_prefix(digits)
    chart_number = _chart_number(digits)
    if chart_number is not None:
        values["chart_number"] = chart_number
    if not values:
        return NO_PATIENT
    return PatientSearch(("digits", "phone" in values, "chart_number" in values), values)


@lru_cache(maxsize=256)
def _search_sql(shape: tuple) -> SearchSQL:
    """Build the SQL of a kind of search once, its values bound by name."""
    kind = shape[0]
    if kind == "all":
        return SearchSQL(condition=None, parts=(None,))
    if kind == "nothing":
        return _only(Patient.id.is_(None))
    if kind == "birth_date":
        return _only(Patient.date_of_birth == bindparam("birth_date", type_=Date()))
    if kind == "digits":
        return _digits_sql(has_phone=shape[1], has_chart_number=shape[2])
    if kind == "name_search":
        found = _found_in_name_search("name_search")
        return SearchSQL(condition=found, parts=(found,), by_btree=False, by_name_search=True)
    if kind == "short_words":
        return _short_words_sql(count=shape[1], dialect=shape[2])
    return _words_sql(long_count=shape[1], short_count=shape[2], dialect=shape[3])


def _only(condition) -> SearchSQL:
    return SearchSQL(condition=condition, parts=(condition,))


def _digits_sql(*, has_phone: bool, has_chart_number: bool) -> SearchSQL:
    phone = and_(
        Patient.phone_digits >= bindparam("phone", type_=String()),
        Patient.phone_digits < bindparam("phone_after", type_=String()),
    )
    chart = Patient.chart_number == bindparam("chart_number", type_=String())
    if not has_phone:
        return _only(chart)
    if not has_chart_number:
        return SearchSQL(condition=phone, parts=(phone,), spread_over_names=True)
    parts = (phone, and_(chart, not_(phone)))  # a chart number whose phone starts so is counted once
    return SearchSQL(condition=or_(phone, chart), parts=parts, spread_over_names=True)


def _sifted_by_short_words(count: int) -> list:
    return [or_(*(_contains(name, f"sift_{n}") for name in NAME_COLUMNS)) for n in range(count)]


def _short_words_sql(*, count: int, dialect: str) -> SearchSQL:
    """Nothing a trigram index can look up: the surname starts with one of the words (by its index), and every
    word is in a name ("wu li" finds Li Wu)."""
    key = Patient.last_name_key
    starts: list[Any]
    if dialect == "postgresql":
        starts = [key.like(bindparam(f"surname_{n}", type_=String()), escape="\\") for n in range(count)]
    else:
        starts = [
            and_(
                key >= bindparam(f"surname_{n}", type_=String()),
                key < bindparam(f"surname_after_{n}", type_=String()),
            )
            for n in range(count)
        ]
    return _only(and_(or_(*starts), *_sifted_by_short_words(count)))


def _words_sql(*, long_count: int, short_count: int, dialect: str) -> SearchSQL:
    """The long words find the few candidates by index; a short word ("is patel") only sifts those."""
    if dialect == "sqlite":
        chart = _found_in_name_search("chart_contains")
        names = _found_in_name_search("names_contain")
    else:
        chart = _contains(Patient.chart_number, "chart_contains")
        names = and_(
            *(or_(*(_contains(name, f"word_{n}") for name in NAME_COLUMNS)) for n in range(long_count))
        )
    matching = or_(chart, and_(names, *_sifted_by_short_words(short_count)))
    if dialect == "postgresql":
        matching = _among_ids_found_first(matching)
    return SearchSQL(condition=matching, parts=(matching,), by_btree=False)


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
        return display_name(self.last_name, self.first_name, self.preferred_name)


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
    is named by id, so no name is in the address. Each statement is built once per kind of search and reused.
    """
    values = dict(search.values)
    counted = db.session.scalar(_count_statement(search.shape, show_archived, count_cap), values) or 0
    walk = search.sql.spread_over_names and not show_archived and counted > list_walk_from
    anchor_id = after if after is not None else before
    anchor = db.session.execute(_KEY_OF, {"patient_id": anchor_id}).first() if (after or before) else None
    if anchor is not None:
        values.update(
            anchor_last_name=anchor.last_name, anchor_first_name=anchor.first_name, anchor_id=anchor.id
        )
    rows: list[ListedPatient] = []
    if anchor is not None and after is not None:
        rows = _fetch(_page_statement(search.shape, show_archived, walk, "after", per_page), values)
        has_previous, has_next = bool(rows), len(rows) > per_page
        rows = rows[:per_page]
    elif anchor is not None:
        rows = _fetch(_page_statement(search.shape, show_archived, walk, "before", per_page), values)
        has_previous, has_next = len(rows) > per_page, bool(rows)
        rows = list(reversed(rows[:per_page]))
        if len(rows) < per_page:
            rows = []  # near the start: show the first page, full
    if not rows:
        rows = _fetch(_page_statement(search.shape, show_archived, walk, "first", per_page), values)
        has_previous, has_next = False, len(rows) > per_page
        rows = rows[:per_page]
    return PatientPage(
        items=rows,
        total=min(counted, count_cap),
        total_is_capped=counted > count_cap,
        next_after=rows[-1].id if has_next else None,
        previous_before=rows[0].id if has_previous else None,
    )


def _kept(sql: SearchSQL, show_archived: bool):
    """Return the condition on is_archived a page of ``sql`` adds, or None when archived patients are shown."""
    if show_archived:
        return None
    if sql.condition is None:
        # The list: read in order from ix_patient_list_order (is_archived, last_name, first_name, id).
        return Patient.is_archived.is_(False)
    # A search: IS NOT TRUE keeps SQLite (no statistics) from walking every patient in list order instead of
    # finding the few matches by the phone, birth date or chart number index.
    return Patient.is_archived.is_not(True)


@lru_cache(maxsize=256)
def _count_statement(shape: tuple, show_archived: bool, count_cap: int):
    """Return a SELECT of the matches, each part counted up to the cap (more than the cap: cap + 1 or more).

    Of an index range, whether a match lies beyond the cap is asked first (a walk that reads nothing of each
    entry), and only a part within the cap is counted, by a plain count(*): both cheaper than counting a LIMITed
    subquery. Trigram matches are found once, in a LIMITed subquery selecting a constant.
    """
    sql = _search_sql(shape)
    if sql.by_name_search:
        return _name_search_count(sql, show_archived, count_cap)
    kept = _kept(sql, show_archived)
    counts = []
    for part in sql.parts:
        conditions = [c for c in (part, kept) if c is not None]
        matching = db.select(literal_column("1")).where(*conditions)
        if sql.by_btree:
            beyond_cap = matching.limit(1).offset(count_cap).exists()
            counted = db.select(func.count()).select_from(Patient).where(*conditions).scalar_subquery()
            counts.append(case((beyond_cap, count_cap + 1), else_=counted))
        else:
            capped = matching.limit(count_cap + 1).subquery()
            counts.append(db.select(func.count()).select_from(capped).scalar_subquery())
    return db.select(reduce(operator.add, counts))


def _name_search_count(sql: SearchSQL, show_archived: bool, count_cap: int):
    """Count the FTS5 table's matches up to the cap, less the archived among them, reading no patient's row.

    The matches are counted up to the cap plus the archived ones, so that more than the cap left after taking
    those away still says "more than".
    """
    match = literal_column(NAME_SEARCH_TABLE).match(bindparam("name_search", type_=String()))
    found = db.select(literal_column("1")).select_from(_name_search).where(match)
    if show_archived:
        return db.select(
            db.select(func.count()).select_from(found.limit(count_cap + 1).subquery()).label("n")
        )
    archived = (
        db.select(func.count())
        .select_from(Patient)
        .where(Patient.is_archived.is_(True), sql.condition)
        .scalar_subquery()
    )
    counted = db.select(func.count()).select_from(found.limit(count_cap + 1 + archived).subquery())
    return db.select(counted.scalar_subquery() - archived)


_ANCHOR = tuple_(
    bindparam("anchor_last_name", type_=String()),
    bindparam("anchor_first_name", type_=String()),
    bindparam("anchor_id", type_=Integer()),
)


@lru_cache(maxsize=512)
def _page_statement(shape: tuple, show_archived: bool, walk: bool, direction: str, per_page: int):
    """Return the SELECT of a page: the first, the one after the anchor's place, or the one before it."""
    sql = _search_sql(shape)
    statement = db.select(*LISTED_COLUMNS)
    if walk:
        # Many matches spread over the alphabet: list order reaches a page of them within a few hundred rows.
        statement = statement.where(Patient.is_archived.is_(False), sql.condition).with_hint(
            Patient, "INDEXED BY ix_patient_list_order", "sqlite"
        )
    else:
        statement = statement.where(*(c for c in (sql.condition, _kept(sql, show_archived)) if c is not None))
    key = tuple_(*LIST_ORDER)
    if direction == "after":
        statement = statement.where(key > _ANCHOR).order_by(*LIST_ORDER)
    elif direction == "before":
        statement = statement.where(key < _ANCHOR).order_by(*(column.desc() for column in LIST_ORDER))
    else:
        statement = statement.order_by(*LIST_ORDER)
    return statement.limit(per_page + 1)


_KEY_OF = db.select(*LIST_ORDER).where(Patient.id == bindparam("patient_id", type_=Integer()))


def _fetch(statement, values: dict[str, Any]) -> list[ListedPatient]:
    return [ListedPatient(*row) for row in db.session.execute(statement, values)]
