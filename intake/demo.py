"""Demo staff and patients for trying the app on a new machine."""

from datetime import date

from intake.auth.models import User
from intake.auth.roles import ADMIN, FRONT_DESK, PRACTITIONER
from intake.extensions import db
from intake.patients.operations import create_patient
from intake.staff.operations import create_user

DEMO_STAFF = (
    dict(
        email="admin@clinic.example",
        full_name="Alex Morgan",
        role=ADMIN,
        designation="",
        password="demo-admin-pass-2026",
    ),
    dict(
        email="mei.chen@clinic.example",
        full_name="Mei Chen",
        role=PRACTITIONER,
        designation="R.Ac",
        password="demo-practitioner-2026",
    ),
    dict(
        email="sam.taylor@clinic.example",
        full_name="Sam Taylor",
        role=PRACTITIONER,
        designation="RMT",
        password="demo-therapist-2026",
    ),
    dict(
        email="frontdesk@clinic.example",
        full_name="Jordan Lee",
        role=FRONT_DESK,
        designation="",
        password="demo-frontdesk-2026",
    ),
)

DEMO_PATIENTS = (
    dict(
        first_name="Margaret",
        last_name="Okafor",
        preferred_name="Maggie",
        date_of_birth=date(1961, 4, 12),
        sex_at_birth="female",
        phone="780-555-0142",
        email="maggie.okafor@example.com",
        address_line="10234 104 St NW",
        city="Edmonton",
        province="AB",
        postal_code="T5J 1B2",
        personal_health_number="123456782",
        emergency_contact_name="Daniel Okafor",
        emergency_contact_relationship="Husband",
        emergency_contact_phone="780-555-0143",
    ),
    dict(
        first_name="Tyler",
        last_name="Bergstrom",
        date_of_birth=date(1988, 9, 3),
        sex_at_birth="male",
        phone="587-555-0199",
        email="tyler.b@example.com",
        city="St. Albert",
        province="AB",
    ),
    dict(
        first_name="Priya",
        last_name="Ramanathan",
        date_of_birth=date(1994, 1, 27),
        sex_at_birth="female",
        phone="780-555-0117",
        city="Edmonton",
        province="AB",
        staff_notes="Prefers afternoon appointments.",
    ),
    dict(
        first_name="Walter",
        last_name="Nguyen",
        preferred_name="Walt",
        date_of_birth=date(1949, 11, 30),
        sex_at_birth="male",
        phone="780-555-0170",
        city="Sherwood Park",
        province="AB",
    ),
)


def has_any_staff() -> bool:
    return db.session.scalar(db.select(User.id).limit(1)) is not None


def seed_demo() -> list[dict]:
    """Create the demo staff and patients; return the staff logins."""
    for person in DEMO_STAFF:
        create_user(**person)
    for values in DEMO_PATIENTS:
        create_patient(values)
    db.session.commit()
    return [dict(email=p["email"], password=p["password"], role=p["role"]) for p in DEMO_STAFF]
