"""The audit trail: what is recorded, in the same transaction, append-only, hash-chained."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from intake.audit.chain import audit_key
from intake.audit.models import GENESIS_HASH, AuditEvent, compute_hash
from intake.audit.operations import record_event, verify_chain
from intake.extensions import db
from intake.patients.models import Patient
from tests.fixtures.audit import append_only_triggers_off

NEW_PATIENT = {
    "first_name": "Margaret",
    "last_name": "Okafor",
    "date_of_birth": "1961-04-12",
    "phone": "780-555-0142",
    "province": "AB",
}


def _record(app, count=1, **kwargs):
    with app.app_context():
        for n in range(count):
            record_event("view", detail=f"event {n}", **kwargs)
        db.session.commit()


def test_opening_a_chart_records_who_what_where_and_when(client, login, make_patient, audit_events):
    user = login("front_desk", full_name="Jordan Lee")
    patient = make_patient()
    client.get(f"/patients/{patient.id}")
    (event,) = audit_events(action="view")
    assert (event.user_id, event.user_name, event.user_role) == (user.id, "Jordan Lee", "front_desk")
    assert (event.patient_id, event.chart_number) == (patient.id, patient.chart_number)
    assert (event.record_type, event.record_id) == ("patient", patient.id)
    assert (event.endpoint, event.path, event.client_ip) == (
        "patients.chart",
        f"/patients/{patient.id}",
        "127.0.0.1",
    )
    assert event.occurred_at.tzinfo is not None


def test_patient_create_edit_archive_restore_and_view_of_the_form_are_recorded(client, login, audit_events):
    login("front_desk")
    client.post("/patients/new", data=NEW_PATIENT)
    patient_id = audit_events(action="create")[0].patient_id
    client.get(f"/patients/{patient_id}/edit")
    client.post(f"/patients/{patient_id}/edit", data={**NEW_PATIENT, "city": "Edmonton"})
    client.post(f"/patients/{patient_id}/archive")
    client.post(f"/patients/{patient_id}/restore")
    actions = [(e.action, e.endpoint) for e in audit_events() if e.patient_id == patient_id]
    assert actions == [
        ("create", "patients.create"),
        ("view", "patients.edit"),
        ("edit", "patients.edit"),
        ("archive", "patients.archive"),
        ("restore", "patients.restore"),
    ]


def test_staff_role_change_and_deactivation_are_recorded(client, login, make_user, audit_events):
    login("admin")
    user = make_user(role="front_desk")
    client.post(
        f"/staff/{user.id}/edit",
        data={"email": user.email, "full_name": user.full_name, "role": "practitioner", "designation": "RMT"},
    )
    client.post(f"/staff/{user.id}/deactivate")
    client.post(f"/staff/{user.id}/activate")
    role_change = audit_events(action="role_change")[0]
    assert (role_change.record_type, role_change.record_id) == ("staff_account", user.id)
    assert role_change.detail == "Front desk → Practitioner"
    assert [e.record_id for e in audit_events(action="deactivate")] == [user.id]
    assert [e.record_id for e in audit_events(action="activate")] == [user.id]


def test_an_event_is_rolled_back_with_the_change_it_records(app, make_patient, audit_events):
    patient = make_patient()
    with app.app_context():
        db.session.get(Patient, patient.id).city = "Leduc"
        record_event("edit", patient=patient)
        db.session.rollback()
    assert audit_events() == []


def test_unknown_actions_are_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        record_event("peek")


def test_each_event_is_chained_to_the_one_before(app, audit_events):
    _record(app, count=3)  # three in one transaction
    _record(app)
    events = audit_events()
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.row_hash
    with app.app_context():
        assert all(compute_hash(e, audit_key()) == e.row_hash for e in events)
        assert verify_chain().intact and verify_chain().checked == 4


def test_the_database_refuses_to_change_or_delete_an_event(app):
    _record(app)
    for statement in ("UPDATE audit_event SET detail = 'nothing to see'", "DELETE FROM audit_event"):
        with app.app_context():
            with pytest.raises(DBAPIError, match="append-only"):
                with db.engine.begin() as connection:
                    connection.execute(text(statement))
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert event.detail == "event 0"
        event.detail = "changed through the ORM"
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.commit()


def test_audit_verify_reports_intact_trail(app, runner):
    _record(app, count=2)
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0
    assert "Audit trail intact: 2 events checked." in result.output


def test_audit_verify_reports_the_first_changed_event(app, runner, audit_events):
    _record(app, count=4)
    third = audit_events()[2]
    with append_only_triggers_off(app) as connection:
        connection.execute(
            text("UPDATE audit_event SET detail = 'rewritten' WHERE id = :id"), {"id": third.id}
        )
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1
    assert f"Audit trail broken at event #{third.id}: its contents do not match its hash" in result.output
    assert "2 events before it are intact" in result.output


def test_audit_verify_reports_a_removed_event_at_the_one_after_it(app, runner, audit_events):
    _record(app, count=4)
    second, third = audit_events()[1:3]
    with append_only_triggers_off(app) as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": second.id})
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1
    assert f"Audit trail broken at event #{third.id}: its previous-hash does not match" in result.output


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(app, runner, audit_events):
    _record(app, count=3)
    first, second = audit_events()[:2]
    with app.app_context():
        forged = db.session.get(AuditEvent, first.id)
        db.session.expunge(forged)
        forged.detail = "forged"
        forged_hash = compute_hash(forged, audit_key())  # even with the key: the next link breaks
    with append_only_triggers_off(app) as connection:
        connection.execute(
            text("UPDATE audit_event SET detail = 'forged', row_hash = :h WHERE id = :id"),
            {"h": forged_hash, "id": first.id},
        )
    result = runner.invoke(args=["audit-verify"])
    assert f"Audit trail broken at event #{second.id}" in result.output


def test_writers_at_the_same_time_never_fork_the_chain(app):
    errors = []

    def writer(n):
        try:
            with app.app_context():
                for i in range(8):
                    record_event("view", detail=f"writer {n} event {i}")
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        result = verify_chain()
    assert result.intact, result.problem
    assert result.checked == 32
