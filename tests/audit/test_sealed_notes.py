"""Signed notes are sealed on the audit trail: a change made behind the app's back is reported by audit-verify."""

import pytest
from sqlalchemy import text

from intake.audit import models as audit
from intake.extensions import db
from intake.visits.models import Amendment


def note_url(visit, tail=""):
    return f"/patients/{visit.patient_id}/visits/{visit.id}{tail}"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def signed_visit(client, practitioner, make_patient, make_visit, note_form):
    """A note signed through the note page, with needled points and pain scores."""
    visit = make_visit(make_patient(), practitioner)
    data = note_form(
        visit,
        points=["BL23", "GV4"],
        needles_inserted=3,
        needles_removed=3,
        tongue="Pale, thin white coat",
        pain_before={"lower_back_l": 7},
        action="sign",
    )
    assert client.post(note_url(visit, "/edit"), data=data).status_code == 302
    return visit


def _verify(runner):
    result = runner.invoke(args=["audit-verify"])
    return result.exit_code, result.output


def _write_behind_the_apps_back(app, statement, **values):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(statement), values)
        db.engine.dispose()


def test_the_sign_event_carries_the_notes_seal_and_an_honest_note_verifies(
    app, runner, signed_visit, audit_events
):
    (sign,) = audit_events(action=audit.SIGN, record_id=signed_visit.id)
    assert sign.detail.startswith("note sealed ") and len(sign.detail) == len("note sealed ") + 64
    code, output = _verify(runner)
    assert code == 0, output
    assert "Audit trail intact" in output


def test_changing_a_signed_notes_text_in_the_database_is_reported_with_the_visit(app, runner, signed_visit):
    _write_behind_the_apps_back(
        app, "UPDATE visit SET tongue = 'Red, no coat' WHERE id = :id", id=signed_visit.id
    )
    code, output = _verify(runner)
    assert code == 1
    assert (
        f"visit #{signed_visit.id}: the signed note no longer matches the seal its sign event recorded"
        in output
    )


def test_changing_a_signed_notes_needling_or_pain_in_the_database_is_reported(app, runner, signed_visit):
    _write_behind_the_apps_back(
        app, "UPDATE visit_point SET code = 'ST36' WHERE visit_id = :id", id=signed_visit.id
    )
    code, output = _verify(runner)
    assert code == 1
    assert f"visit #{signed_visit.id}: the signed note no longer matches" in output


def test_changing_a_signed_notes_pain_scores_in_the_database_is_reported(app, runner, signed_visit):
    _write_behind_the_apps_back(
        app, "UPDATE pain_score SET score = 2 WHERE visit_id = :id", id=signed_visit.id
    )
    code, output = _verify(runner)
    assert code == 1
    assert f"visit #{signed_visit.id}: the signed note no longer matches" in output


def test_unsigning_a_note_in_the_database_is_reported(app, runner, signed_visit):
    _write_behind_the_apps_back(app, "UPDATE visit SET signed_at = NULL WHERE id = :id", id=signed_visit.id)
    code, output = _verify(runner)
    assert code == 1
    assert (
        f"visit #{signed_visit.id} was signed (its sign event is on the trail) but is now missing or unsigned"
        in output
    )


def test_an_amended_note_verifies_and_a_rewritten_amendment_is_reported(
    app, client, runner, signed_visit, note_form, audit_events
):
    data = note_form(signed_visit, tongue="Pale, teeth marks", reason="Tongue's edges were left out")
    assert client.post(note_url(signed_visit, "/amend"), data=data).status_code == 302
    with app.app_context():
        amendment_id = db.session.scalar(db.select(Amendment.id).where(Amendment.visit_id == signed_visit.id))
    (amend,) = audit_events(action=audit.AMEND)
    assert amend.detail.startswith(f"amendment {amendment_id} · note sealed ")
    code, output = _verify(runner)
    assert code == 0, output  # the signed original still reads as signed, and the amendment as amended
    _write_behind_the_apps_back(
        app,
        "UPDATE visit_amendment SET note_after = :note WHERE id = :id",
        note='{"tongue": "Red"}',
        id=amendment_id,
    )
    code, output = _verify(runner)
    assert code == 1
    assert f"visit #{signed_visit.id}: amendment {amendment_id} no longer matches the seal" in output


def test_notes_are_checked_a_batch_at_a_time_and_a_change_in_a_later_batch_is_reported(
    app, client, runner, practitioner, make_patient, make_visit, note_form, monkeypatch
):
    """A clinic's fifteen years of signed notes are checked in batches (never one query naming them all)."""
    from intake.visits import note_seal

    visits = []
    for tongue in ("Pale", "Red", "Purple"):
        visit = make_visit(make_patient(), practitioner)
        data = note_form(
            visit, points=["BL23"], needles_inserted=1, needles_removed=1, tongue=tongue, action="sign"
        )
        assert client.post(note_url(visit, "/edit"), data=data).status_code == 302
        visits.append(visit)
    monkeypatch.setattr(note_seal, "VISITS_PER_CHECK", 1)
    assert _verify(runner)[0] == 0
    _write_behind_the_apps_back(app, "UPDATE visit SET tongue = 'Changed' WHERE id = :id", id=visits[2].id)
    code, output = _verify(runner)
    assert code == 1
    assert f"visit #{visits[2].id}: the signed note no longer matches" in output
    assert f"visit #{visits[0].id}" not in output and f"visit #{visits[1].id}" not in output
