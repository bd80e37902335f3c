"""Kiosk mode: staff hand a clinic tablet to the patient; afterwards the tablet reaches nothing."""

from intake.extensions import db
from intake.questionnaire.models import Intake, IntakeAccess
from tests.questionnaire.answers import fill_every_step

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
        assert set(session) <= {"intake_kiosk", "_flashes", "csrf_token"}


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
