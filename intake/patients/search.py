"""Finding patients by name, phone, date of birth or chart number.

What can use an index does: a date of birth (ix_patient_date_of_birth), all-digit input as the start of a phone
number (ix_patient_phone_digits) or as a chart number (unique). Other text is matched anywhere in the chart
number and the three names ("contains"): that is still a scan of the patient table, so a surname-prefix term
(``surname_starts_with``, on the indexed ``last_name_key``) would not make it faster while it is OR-ed with the
scan; it becomes useful once "contains" has an index of its own (FTS5 trigram / pg_trgm).
"""

import re
from datetime import date

from sqlalchemy import and_, func, or_

from intake.extensions import db
from intake.patients.models import Patient

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE_PATTERN = re.compile(r"^[\d\s()+.\-]+$")
CHART_NUMBER = re.compile(r"^c?-?0*(\d{1,6})$", re.IGNORECASE)


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
