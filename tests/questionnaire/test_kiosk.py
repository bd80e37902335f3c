"""Kiosk mode: staff hand a clinic tablet to the patient; afterwards the tablet reaches nothing."""

import time
from datetime import date

from intake.extensions import db
from intake.questionnaire import steps as q
from intake.questionnaire.models import Intake, IntakeAccess
from tests.questionnaire.answers import fill_every_step, step_data

LOCKED_OUT = ("/patients/", "/kiosk", "/kiosk/contact", "/kiosk/review")


def hand_over(client, patient):
    return client.post(f"/patients/{patient.id}/intakes/kiosk")


def assert_sign_in_required(client, url):
    response = client.get(url)
    assert response.status_code == 302, url
    assert response.headers["Location"].startswith("/login"), url


def test_handing_over_the_tablet_ends_the_staff_session(app, client, login, make_patient):
    patient = make_patient(last_name="Tabletuser")
    other = make_patient(last_name="Notmine")
    login("front_desk")
    response = hand_over(client, patient)
    assert response.status_code == 302 and response.headers["Location"] == "/kiosk"

    assert client.get("/kiosk").headers["Location"] == "/kiosk/contact"
    page = client.get("/kiosk/contact")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tabletuser" in html
    assert "Sign out" not in html and 'class="main-nav"' not in html
    assert page.headers["Cache-Control"] == "no-store"
    for url in ("/patients/", f"/patients/{patient.id}", f"/patients/{other.id}", "/"):
        assert_sign_in_required(client, url)
    with client.session_transaction() as session:
        assert set(session) <= {"intake_kiosk", "intake_kiosk_active_at", "_flashes", "csrf_token"}


def test_after_submitting_on_the_tablet_nothing_is_reachable(app, client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    hand_over(client, patient)
    fill_every_step(client, "/kiosk")
    done = client.post("/kiosk/submit")
    assert done.headers["Location"] == "/intake/thank-you"
    thanks = client.get("/intake/thank-you")
    assert "hand it back to the front desk" in thanks.get_data(as_text=True)

    for url in (*LOCKED_OUT, f"/patients/{patient.id}"):
        assert_sign_in_required(client, url)
    # The back button re-requests the last questionnaire pages: they are gone too.
    assert_sign_in_required(client, "/kiosk/consent")
    response = client.post("/kiosk/contact", data={"phone": "780-555-0000"})
    assert response.headers["Location"].startswith("/login")
    with client.session_transaction() as session:
        assert "intake_kiosk" not in session and "_user_id" not in session
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.status == "submitted"
        grants = db.session.scalars(db.select(IntakeAccess)).all()
        assert grants and all(g.revoked_at is not None for g in grants)


def test_a_copied_kiosk_cookie_stops_working_after_submit(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    hand_over(client, patient)
    with client.session_transaction() as session:
        grant = session["intake_kiosk"]
    fill_every_step(client, "/kiosk")
    client.post("/kiosk/submit")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session["intake_kiosk"] = grant
    assert_sign_in_required(replay, "/kiosk/contact")


def test_kiosk_grant_is_not_a_link_token(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    hand_over(client, patient)
    with client.session_transaction() as session:
        grant = session["intake_kiosk"]
    assert app.test_client().get(f"/i/{grant}").status_code == 404


def test_staff_sign_in_again_after_the_tablet_is_handed_back(app, client, login, make_patient, make_user):
    from tests.conftest import sign_in

    patient = make_patient()
    user = login("front_desk")
    hand_over(client, patient)
    fill_every_step(client, "/kiosk")
    client.post("/kiosk/submit")
    assert sign_in(client, user.email).status_code == 302
    assert client.get(f"/patients/{patient.id}").status_code == 200


def test_the_staff_cookie_from_before_the_hand_over_no_longer_opens_the_patient_list(
    app, client, login, make_patient, audit_events
):
    user = login("front_desk")
    patient = make_patient()
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    assert client.get("/patients/").status_code == 200
    staff_cookie = client.get_cookie(cookie_name).value  # copied before the hand-over
    hand_over(client, patient)

    replay = app.test_client()
    replay.set_cookie(cookie_name, staff_cookie)
    assert_sign_in_required(replay, "/patients/")
    assert_sign_in_required(replay, f"/patients/{patient.id}")
    [signed_out] = audit_events(action="logout")
    assert signed_out.user_id == user.id


def _idle_for(client, minutes: float) -> None:
    with client.session_transaction() as session:
        session["intake_kiosk_active_at"] = int(time.time() - minutes * 60)


def test_a_tablet_left_alone_hides_the_questionnaire_behind_continue_and_the_birth_date(
    app, client, login, make_patient
):
    login("practitioner")
    patient = make_patient(date_of_birth=date(1966, 7, 9), last_name="Idlepatient")
    hand_over(client, patient)
    data = step_data()
    assert client.post("/kiosk/contact", data=data[q.CONTACT]).status_code == 302
    assert client.post("/kiosk/complaint", data=data[q.COMPLAINT]).status_code == 302
    _idle_for(client, 9)
    assert client.get("/kiosk/complaint").status_code == 200  # still in use: nothing asked

    _idle_for(client, 10)  # INTAKE_KIOSK_IDLE_MINUTES, default 10
    for url in ("/kiosk", "/kiosk/contact", "/kiosk/complaint", "/kiosk/review"):
        assert client.get(url).headers["Location"] == "/kiosk/confirm", url
    page = client.get("/kiosk/confirm").get_data(as_text=True)
    assert "Continue" in page and "without activity" in page
    for saved in ("Idlepatient", data[q.CONTACT]["phone"], data[q.COMPLAINT]["reason"]):
        assert saved not in page
    wrong = client.post("/kiosk/confirm", data={"date_of_birth": "1966-07-10"})
    assert wrong.status_code == 422 and "does not match our records" in wrong.get_data(as_text=True)
    right = client.post("/kiosk/confirm", data={"date_of_birth": "1966-07-09"})
    assert right.headers["Location"] == "/kiosk"
    assert data[q.COMPLAINT]["reason"] in client.get("/kiosk/complaint").get_data(as_text=True)


def test_the_tablet_inactivity_limit_is_a_setting(app, client, login, make_patient):
    app.config["INTAKE_KIOSK_IDLE_MINUTES"] = 2
    login("practitioner")
    hand_over(client, make_patient())
    _idle_for(client, 3)
    assert client.get("/kiosk/contact").headers["Location"] == "/kiosk/confirm"


def test_the_tablet_page_carries_the_inactivity_script_and_a_link_page_does_not(
    app, client, login, make_patient
):
    from tests.conftest import sign_in
    from tests.questionnaire.answers import start_link

    user = login("practitioner")
    patient = make_patient()
    hand_over(client, patient)
    html = client.get("/kiosk/contact").get_data(as_text=True)
    assert 'src="/static/js/kiosk-idle.js" data-idle-seconds="600"' in html
    assert 'data-active-url="/kiosk/active" data-confirm-url="/kiosk/confirm"' in html
    staff = app.test_client()
    sign_in(staff, user.email)
    link = start_link(staff, patient)
    assert "kiosk-idle.js" not in app.test_client().get(f"{link}/contact").get_data(as_text=True)


def test_typing_on_the_tablet_keeps_the_questionnaire_open_until_it_is_left_alone(
    app, client, login, make_patient
):
    login("practitioner")
    hand_over(client, make_patient())
    _idle_for(client, 9)
    assert client.post("/kiosk/active").get_json() == {"active": True}  # the patient is typing
    with client.session_transaction() as session:
        assert time.time() - session["intake_kiosk_active_at"] < 5
    _idle_for(client, 10)
    refused = client.post("/kiosk/active")
    assert refused.status_code == 409 and refused.get_json()["confirm_url"] == "/kiosk/confirm"
    assert client.get("/kiosk/contact").headers["Location"] == "/kiosk/confirm"
