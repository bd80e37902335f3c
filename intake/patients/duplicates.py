"""Charts that may already hold the person being registered: the same birth date and a similar name, or the
same phone or email.

The candidates are found by three indexed lookups in one query (date of birth, phone digits, email), so the
check costs the same whatever the clinic's size; the names are then compared here. Names compare without case,
accents, hyphens, apostrophes or spaces ("Zoë O'Neil-Tremblay" is "zoeoneiltremblay"), a given name matches the
first or preferred name (or starts the other's, "Chris" for "Christopher"), a double surname matches either part,
and a first and last name typed the wrong way round match too. Two people born the same day with different names
are not a match. Charts merged into another are left out: the chart they were merged into is the one to find.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_

from intake.extensions import db
from intake.patients.models import Patient

#: The most candidates one check reads (a birth date shared by more people than this is not a name check).
CANDIDATES_READ = 200
#: The most matches the warning lists.
MATCHES_SHOWN = 10
#: A given name this long or longer matches another that it starts ("Chris", "Christopher").
SHORTEST_NAME_PREFIX = 3
#: A phone number with fewer digits than this is not compared (a half-typed number matches too much).
SHORTEST_PHONE = 10

SAME_NAME_AND_BIRTH = "same date of birth and a similar name"
SAME_PHONE = "same phone number"
SAME_EMAIL = "same email"


@dataclass(frozen=True)
class PossibleDuplicate:
    """An existing chart and why it may be the same person."""

    patient: Patient
    reasons: tuple[str, ...]


def name_key(text: str) -> str:
    """Return a name as compared: lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


def _name_parts(text: str) -> set[str]:
    """Return the whole name and each of its parts ("Smith-Jones": smithjones, smith, jones)."""
    parts = {name_key(part) for part in re.split(r"[\s\-]+", text or "")}
    return {key for key in parts | {name_key(text)} if key}


def _given_names_match(first: set[str], second: set[str]) -> bool:
    for one in first:
        for other in second:
            shorter, longer = sorted((one, other), key=len)
            if shorter == longer:
                return True
            # A name's start ("Chris"): whole words only, so "Writer1" does not start "Writer12".
            if shorter.isalpha() and len(shorter) >= SHORTEST_NAME_PREFIX and longer.startswith(shorter):
                return True
    return False


def names_are_similar(typed: dict, existing: Patient) -> bool:
    """Tell whether a typed name and a chart's name may be the same person's."""
    typed_given = _name_parts(typed.get("first_name", "")) | _name_parts(typed.get("preferred_name", ""))
    existing_given = _name_parts(existing.first_name) | _name_parts(existing.preferred_name)
    typed_surname = _name_parts(typed.get("last_name", ""))
    existing_surname = _name_parts(existing.last_name)
    if typed_surname & existing_surname and _given_names_match(typed_given, existing_given):
        return True
    # First and last name the wrong way round, on either chart.
    return bool(
        _name_parts(typed.get("first_name", "")) & existing_surname
        and typed_surname & _name_parts(existing.first_name)
    )


def _phone_digits(values: dict) -> str:
    return re.sub(r"\D", "", values.get("phone") or "")


def _email(values: dict) -> str:
    return (values.get("email") or "").strip().lower()


def possible_duplicates(values: dict, *, besides: Patient | None = None) -> list[PossibleDuplicate]:
    """Return the charts that may be the same person as ``values`` (a patient form's cleaned values)."""
    birth_date = values.get("date_of_birth")
    phone = _phone_digits(values)
    email = _email(values)
    conditions = []
    if isinstance(birth_date, date):
        conditions.append(Patient.date_of_birth == birth_date)
    if len(phone) >= SHORTEST_PHONE:
        conditions.append(Patient.phone_digits == phone)
    if email:
        conditions.append(Patient.email == email)
    if not conditions:
        return []
    # Merged charts are skipped below, not in SQL: "merged_into_id IS NULL" would tempt SQLite into its index.
    statement = db.select(Patient).where(or_(*conditions))
    if besides is not None:
        statement = statement.where(Patient.id != besides.id)
    candidates = db.session.scalars(statement.order_by(Patient.id).limit(CANDIDATES_READ))
    matches = []
    for candidate in candidates:
        if candidate.merged_into_id is not None:
            continue
        reasons = []
        if candidate.date_of_birth == birth_date and names_are_similar(values, candidate):
            reasons.append(SAME_NAME_AND_BIRTH)
        if len(phone) >= SHORTEST_PHONE and candidate.phone_digits == phone:
            reasons.append(SAME_PHONE)
        if email and candidate.email == email:
            reasons.append(SAME_EMAIL)
        if reasons:
            matches.append(PossibleDuplicate(candidate, tuple(reasons)))
    return matches[:MATCHES_SHOWN]


def changes_identity(patient: Patient, values: dict) -> bool:
    """Tell whether an edit changes what a duplicate is found by (name, birth date, phone, email)."""
    for name in ("first_name", "last_name", "preferred_name"):
        if name_key(values.get(name, "")) != name_key(getattr(patient, name)):
            return True
    return (
        values.get("date_of_birth") != patient.date_of_birth
        or _phone_digits(values) != patient.phone_digits
        or _email(values) != patient.email
    )


@dataclass(frozen=True)
class MergeLinks:
    """The chart this one was merged into, and the charts merged into this one."""

    merged_into: Patient | None
    merged_from: list[Patient]


def merge_links(patient: Patient) -> MergeLinks:
    """Load the charts a merge links to this one (one indexed query)."""
    condition = Patient.merged_into_id == patient.id
    if patient.merged_into_id is not None:
        condition = or_(condition, Patient.id == patient.merged_into_id)
    linked = list(db.session.scalars(db.select(Patient).where(condition).order_by(Patient.id)))
    return MergeLinks(
        merged_into=next((each for each in linked if each.id == patient.merged_into_id), None),
        merged_from=[each for each in linked if each.merged_into_id == patient.id],
    )
