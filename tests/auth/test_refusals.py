"""Refused requests: every 403 is audited, and no refusal or error keeps a session alive."""

import time

from intake.auth.sessions import LAST_SEEN, RETRY_HEADER

AGO = 300  # seconds since the tablet was last used, in these tests


def _idle_since(client, seconds_ago):
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - seconds_ago


def _seconds_since_last_activity(client) -> float:
    with client.session_transaction() as session:
        return time.time() - session[LAST_SEEN]


def test_front_desk_opening_an_intakes_answers_is_refused_and_audited(
    client, login, make_patient, make_submitted_intake, audit_events
):
    front_desk = login("front_desk")
    patient = make_patient()
    intake = make_submitted_intake(patient)
    response = client.get(f"/patients/{patient.id}/intakes/{intake.id}")
    assert response.status_code == 403
    [refused] = audit_events(action="access_denied")
    assert refused.user_id == front_desk.id and refused.user_role == "front_desk"
    assert refused.endpoint == "intake.show"
    assert (refused.record_type, refused.record_id) == ("intake", intake.id)
    assert f"patient_id {patient.id}" in refused.detail
    assert audit_events(action="view", record_type="intake") == []


def test_a_refused_post_is_audited_and_changes_nothing(client, login, audit_events):
    practitioner = login("practitioner")
    response = client.post("/staff/new", data={"email": "x@clinic.example"})
    assert response.status_code == 403
    [refused] = audit_events(action="access_denied")
    assert refused.user_id == practitioner.id
    assert refused.detail.startswith("POST refused for role practitioner")


def test_a_refusal_does_not_keep_the_session_alive(client, login, make_patient, make_submitted_intake):
    login("front_desk")
    patient = make_patient()
    intake = make_submitted_intake(patient)
    _idle_since(client, AGO)
    assert client.get(f"/patients/{patient.id}/intakes/{intake.id}").status_code == 403
    assert _seconds_since_last_activity(client) >= AGO - 1


def test_a_missing_page_does_not_keep_the_session_alive(client, login):
    login("practitioner")
    _idle_since(client, AGO)
    assert client.get("/patients/999999").status_code == 404
    assert client.get("/no-such-page").status_code == 404
    assert _seconds_since_last_activity(client) >= AGO - 1


def test_an_automatic_retry_does_not_keep_the_session_alive(client, login):
    login("practitioner")
    _idle_since(client, AGO)
    assert client.get("/patients/", headers={RETRY_HEADER: "1"}).status_code == 200
    assert _seconds_since_last_activity(client) >= AGO - 1


def test_refusals_alone_leave_the_idle_timer_running(app, client, login):
    app.config["SESSION_IDLE_TIMEOUT"] = 120
    login("front_desk")
    _idle_since(client, 100)
    assert client.get("/staff/").status_code == 403
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/session/status").get_json()["seconds_left"] <= 20


def test_a_successful_request_still_counts_as_activity(client, login):
    login("practitioner")
    _idle_since(client, AGO)
    assert client.get("/patients/").status_code == 200
    assert _seconds_since_last_activity(client) < 5
