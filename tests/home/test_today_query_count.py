"""Today and its pages of all rows cost the same number of SQL statements with 1 patient or 200."""

from datetime import timedelta

from intake.database import utcnow
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.grants import hash_token
from intake.questionnaire.models import IN_PROGRESS, KIOSK, LINK, SUBMITTED, Intake, IntakeAccess
from intake.visits.models import Visit
from tests.conftest import query_count

PAGES = (
    "/",
    "/today/red-flags",
    "/today/not-reviewed",
    "/today/links",
    "/today/tablets",
    "/today/drafts",
    "/today/seen",
)


def _add_clinic_day(app, patients: int, practitioner_id: int, start: int) -> None:
    """Give each patient a red-flag intake, a link and a tablet still open, a draft and a visit today."""
    now = utcnow()
    with app.app_context():
        for n in range(start, start + patients):
            patient = Patient(
                first_name=f"P{n}", last_name="Crowd", date_of_birth=now.date().replace(year=1970)
            )
            patient.chart_number = f"Q-{n:05d}"
            db.session.add(patient)
            db.session.flush()
            answers = {"red_flags": {"saddle_numbness": True}}
            db.session.add(
                Intake(
                    patient_id=patient.id,
                    status=SUBMITTED,
                    submitted_at=now - timedelta(minutes=n),
                    answers=answers,
                    red_flag_count=1,
                )
            )
            open_intake = Intake(patient_id=patient.id, status=IN_PROGRESS)
            db.session.add(open_intake)
            db.session.flush()
            for kind, hours in ((LINK, 72), (KIOSK, 2)):
                db.session.add(
                    IntakeAccess(
                        intake_id=open_intake.id,
                        kind=kind,
                        token_hash=hash_token(f"{kind}{n}"),
                        expires_at=now + timedelta(hours=hours),
                    )
                )
            db.session.add(
                Visit(
                    patient_id=patient.id,
                    practitioner_id=practitioner_id,
                    created_at=now - timedelta(hours=1),
                )
            )
        db.session.commit()


def test_today_costs_the_same_with_1_patient_or_200(app, client, login):
    me = login("practitioner")
    counts = {}
    added = 0
    for patients in (1, 200):
        _add_clinic_day(app, patients - added, me.id, start=added)
        added = patients
        counts[patients] = [query_count(app, client, url) for url in PAGES]
    assert counts[1] == counts[200]
    # Sign-in and session checks, the counts in one statement, one per list, and the audit row of who looked.
    assert counts[200][0] <= 20


def test_a_list_the_count_finds_empty_reads_no_rows(app, client, login, make_patient, make_visit):
    me = login("practitioner")
    empty_day = query_count(app, client, "/")
    make_visit(make_patient(last_name="Okafor"), me, visit_at=utcnow() - timedelta(days=2))
    with_a_draft = query_count(app, client, "/")
    # One list more to read: the unsigned notes; the other lists stay unread and say they are empty.
    assert with_a_draft == empty_day + 1
    html = client.get("/").get_data(as_text=True)
    assert "Okafor" in html
    assert "No red flags waiting for a decision." in html and "No patients seen yet today." in html
    empty_page = query_count(app, client, "/today/links")
    assert "No intake links are waiting for a patient." in client.get("/today/links").get_data(as_text=True)
    assert query_count(app, client, "/today/drafts") == empty_page + 1
