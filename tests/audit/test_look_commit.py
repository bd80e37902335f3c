"""A page that only looks commits its audit event and goes on with what it already loaded."""

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.extensions import db
from intake.patients.models import Patient
from tests.conftest import counting_queries


def _after_the_audit_insert(statements: list[str]) -> list[str]:
    inserted = next(n for n, sql in enumerate(statements) if sql.startswith("INSERT INTO audit_event"))
    return statements[inserted + 1 :]


def test_the_chart_reads_the_account_and_the_patient_once(app, client, login, make_patient, audit_events):
    user = login("practitioner")
    patient = make_patient()
    client.get(f"/patients/{patient.id}")
    with counting_queries(app) as statements:
        assert client.get(f"/patients/{patient.id}").status_code == 200
    later = _after_the_audit_insert(statements)
    assert not [sql for sql in later if "FROM user_account" in sql and "WHERE user_account.id = " in sql]
    assert not [sql for sql in later if "FROM patient " in sql and "WHERE patient.id = " in sql]
    views = audit_events(action="view", record_type="patient")
    assert len(views) == 2 and {v.user_id for v in views} == {user.id}


def test_a_get_that_changed_a_record_reads_it_again_after_its_commit(app, make_patient):
    patient = make_patient(first_name="Ada")
    with app.test_request_context("/"):
        loaded = db.session.get(Patient, patient.id)
        loaded.preferred_name = "Addy"
        record_event(audit.VIEW, patient=loaded, record_type="patient", record_id=loaded.id)
        db.session.commit()
        assert "preferred_name" not in loaded.__dict__  # expired as after any change: read again when used
        assert loaded.preferred_name == "Addy"


def test_a_post_reads_what_it_loaded_again_after_its_commit(app, make_patient):
    patient = make_patient()
    with app.test_request_context("/", method="POST"):
        loaded = db.session.get(Patient, patient.id)
        record_event(audit.VIEW, patient=loaded, record_type="patient", record_id=loaded.id)
        db.session.commit()
        assert "chart_number" not in loaded.__dict__
    with app.test_request_context("/"):
        again = db.session.get(Patient, patient.id)
        record_event(audit.VIEW, patient=again, record_type="patient", record_id=again.id)
        db.session.commit()
        assert "chart_number" in again.__dict__  # a look keeps it
        db.session.commit()
        db.session.get(Patient, patient.id)
        db.session.commit()  # the next commit, with no look in it, expires as always
        assert "chart_number" not in again.__dict__
