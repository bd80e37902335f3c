"""Creating and changing patient records.

The pages call the operations that record their own audit event (``register_patient``,
``edit_patient``, ``archive_patient``, ``restore_patient``); ``create_patient`` and
``apply_demographics`` are their building blocks, also used by the demo and the intake.
"""

import re
from collections.abc import Collection

from sqlalchemy import update

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.extensions import db
from intake.patients.duplicates import PossibleDuplicate, changes_identity, possible_duplicates
from intake.patients.models import Counter, Patient
from intake.patients.search import search_key
from intake.refused import FORM, Refused

CHART_COUNTER = "chart_number"
FIRST_CHART_NUMBER = 1001


def next_chart_number() -> str:
    """Take the next chart number, e.g. 'C-001001'.

    The counter row is updated in place, which locks it until commit on PostgreSQL and
    runs under the write lock on SQLite, so two front desks never get the same number.
    """
    value = db.session.scalar(
        update(Counter)
        .where(Counter.name == CHART_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    if value is None:  # the counter row is created with the schema; recreate it if lost
        value = FIRST_CHART_NUMBER
        db.session.add(Counter(name=CHART_COUNTER, value=value))
        db.session.flush()
    return f"C-{value:06d}"


def digits_only(text: str) -> str:
    """Return just the digits of a phone number or health number."""
    return re.sub(r"\D", "", text or "")


DEMOGRAPHIC_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex_at_birth",
    "gender",
    "phone",
    "email",
    "address_line",
    "city",
    "province",
    "postal_code",
    "personal_health_number",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "staff_notes",
)


def apply_demographics(patient: Patient, values: dict) -> None:
    """Copy cleaned demographic values onto the patient."""
    for name in DEMOGRAPHIC_FIELDS:
        if name in values:
            value = values[name]
            setattr(patient, name, value.strip() if isinstance(value, str) else value)
    patient.phone_digits = digits_only(patient.phone)
    patient.last_name_key = search_key(patient.last_name)
    patient.personal_health_number = digits_only(patient.personal_health_number)
    patient.postal_code = (patient.postal_code or "").upper().replace(" ", "")
    if len(patient.postal_code) == 6:
        patient.postal_code = f"{patient.postal_code[:3]} {patient.postal_code[3:]}"
    patient.email = (patient.email or "").strip().lower()


def create_patient(values: dict, created_by=None) -> Patient:
    """Add a new patient with a fresh chart number (the caller commits)."""
    patient = Patient(chart_number=next_chart_number(), is_archived=False, province="AB")
    apply_demographics(patient, values)
    if created_by is not None:
        patient.created_by_id = created_by.id
    db.session.add(patient)
    db.session.flush()
    return patient


def set_archived(patient: Patient, archived: bool) -> None:
    """Archive or restore a patient (records are never deleted)."""
    patient.is_archived = archived


def _record(action: str, patient: Patient) -> None:
    record_event(action, patient=patient, record_type="patient", record_id=patient.id)


class PossibleDuplicates(Refused):
    """Charts that may be the same person; the change goes ahead once the person saving has seen them."""

    def __init__(self, matches: list[PossibleDuplicate]):
        super().__init__({FORM: "This may be a patient who already has a chart. Check the charts below."})
        self.matches = matches


def _refuse_unseen_duplicates(values: dict, seen: Collection[int], besides: Patient | None = None) -> None:
    matches = possible_duplicates(values, besides=besides)
    if any(match.patient.id not in seen for match in matches):
        raise PossibleDuplicates(matches)


def register_patient(values: dict, *, by, duplicates_seen: Collection[int] = ()) -> Patient:
    """Open a chart for a new patient and record its creation.

    Refused with the possible duplicates (``PossibleDuplicates``) unless every one of them is in
    ``duplicates_seen``: the charts the person saving was shown and chose to create a new chart beside.
    """
    _refuse_unseen_duplicates(values, duplicates_seen)
    patient = create_patient(values, created_by=by)
    _record(audit.CREATE, patient)
    return patient


def edit_patient(patient: Patient, values: dict, *, duplicates_seen: Collection[int] = ()) -> None:
    """Change a patient's details and record the edit.

    A change of name, birth date, phone or email that makes the chart look like another is refused with the
    possible duplicates (``PossibleDuplicates``) unless each was seen (``duplicates_seen``).
    """
    if changes_identity(patient, values):
        _refuse_unseen_duplicates(values, duplicates_seen, besides=patient)
    apply_demographics(patient, values)
    _record(audit.EDIT, patient)


def archive_patient(patient: Patient) -> None:
    """Take a patient off the list (their chart is kept) and record it."""
    set_archived(patient, True)
    _record(audit.ARCHIVE, patient)


def restore_patient(patient: Patient) -> None:
    """Put an archived patient back on the list and record it (never a chart merged into another)."""
    if patient.merged_into_id is not None:
        raise Refused(
            "This chart was merged into another chart of the same person and stays archived: "
            "open the chart it was merged into."
        )
    set_archived(patient, False)
    _record(audit.RESTORE, patient)
