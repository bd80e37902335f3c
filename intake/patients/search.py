"""Finding patients by name, phone, date of birth or chart number."""

import re
from datetime import date

from sqlalchemy import and_, func, or_

from intake.patients.models import Patient

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    return func.lower(column).like(f"%{_escape_like(text.lower())}%", escape="\\")


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
    conditions = [_contains(Patient.chart_number, query)]
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3 and re.fullmatch(r"[\d\s()+.\-]+", query):
        conditions.append(Patient.phone_digits.contains(digits))
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
