"""Intake links: a random token stored only as a hash, one patient and one intake, expiry, revoke,
one identical page for every unusable link, and a limit on guessing."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest

from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import grants, operations
from intake.questionnaire.models import Intake, IntakeAccess
from intake.refused import Refused
from tests.questionnaire.answers import fill_every_step, start_link

UNAVAILABLE = "This link cannot be used"


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def assert_unavailable(response, *names):
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert UNAVAILABLE in html
    for name in names:
        assert name not in html
    return html


def test_link_token_is_random_and_stored_only_as_its_hash(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    token = token_of(link)
    assert len(token) == 43  # 32 random bytes, URL-safe
    with app.app_context():
        [grant] = db.session.scalars(db.select(IntakeAccess)).all()
        assert grant.token_hash == grants.hash_token(token)
        assert token not in {grant.token_hash, str(grant.id)}
        assert grant.kind == "link" and grant.intake.patient_id == patient.id
        days = (grant.expires_at - grant.created_at).days
        assert days == app.config["INTAKE_LINK_DAYS"] == 7


def test_link_page_shows_url_and_qr_code_as_svg_without_inline_styles(client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    html = client.post(f"/patients/{patient.id}/intakes/link").get_data(as_text=True)
    assert re.search(r'data-copy-source>http://localhost/i/[A-Za-z0-9_-]{43}</textarea>', html)
    qr = re.search(r'<img class="qr" src="(data:image/svg\+xml[^"]+)"', html)
    assert qr, "QR code image missing"
    svg = unquote(qr.group(1).split(",", 1)[1])
    assert svg.startswith("<svg") and "<path" in svg and "style=" not in svg
    assert "style=" not in html
    assert "shown only once" in html


def _intake_of(app, patient) -> Intake:
    with app.app_context():
        return db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id).order_by(Intake.id))


def _make_unusable(app, client, patient, case: str) -> str:
    """Give the patient a link, then make it unusable in the way ``case`` names; return its path."""
    link = start_link(client, patient)
    intake = _intake_of(app, patient)
    if case == "expired":
        with app.app_context():
            grant = db.session.scalar(
                db.select(IntakeAccess).where(IntakeAccess.token_hash == grants.hash_token(token_of(link)))
            )
            grant.expires_at = grant.created_at - timedelta(seconds=1)
            db.session.commit()
    elif case == "revoked":
        client.post(f"/patients/{patient.id}/intakes/{intake.id}/revoke-link")
    elif case == "cancelled":
        client.post(f"/patients/{patient.id}/intakes/{intake.id}/cancel")
    elif case == "replaced":
        start_link(client, patient)
    elif case == "submitted":
        fill_every_step(app.test_client(), link)
        app.test_client().post(f"{link}/submit")
    elif case == "archived":
        client.post(f"/patients/{patient.id}/archive")
    elif case == "malformed":
        link = link[:-1]
    return link


UNUSABLE = ("expired", "revoked", "cancelled", "replaced", "archived", "malformed")


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_link_gets_the_same_page_as_an_unknown_one(app, client, login, make_patient, case):
    patient = make_patient(last_name="Secretname")
    login("front_desk")
    link = _make_unusable(app, client, patient, case)
    phone = app.test_client()
    unknown = phone.get("/i/" + "A" * 43)
    expected = assert_unavailable(unknown)
    for url in (link, f"{link}/contact", f"{link}/review"):
        assert assert_unavailable(phone.get(url), "Secretname", "780-555") == expected, url
    assert assert_unavailable(phone.post(f"{link}/contact", data={"phone": "780-555-0000"})) == expected
    assert assert_unavailable(phone.post(f"{link}/submit")) == expected


def test_a_submitted_links_pages_all_say_it_was_already_sent_and_show_nothing_of_the_patient(
    app, client, login, make_patient
):
    patient = make_patient(last_name="Secretname")
    login("front_desk")
    link = _make_unusable(app, client, patient, "submitted")
    phone = app.test_client()
    for response in (
        phone.get(link),
        phone.get(f"{link}/contact"),
        phone.get(f"{link}/review"),
        phone.post(f"{link}/contact", data={"phone": "780-555-0000"}),
        phone.post(f"{link}/submit"),
    ):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "This form was already sent to the clinic — thank you" in html
        assert "Secretname" not in html and "780-555-0100" not in html


def test_revoked_and_submitted_links_do_not_change_anything(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    intake = _intake_of(app, patient)
    client.post(f"/patients/{patient.id}/intakes/{intake.id}/revoke-link")
    app.test_client().post(f"{link}/contact", data={"phone": "780-555-0000", "emergency_contact_name": "X"})
    with app.app_context():
        assert db.session.get(Intake, intake.id).answers == {}
        assert db.session.get(Patient, patient.id).phone == "780-555-0100"


def test_a_new_link_keeps_the_answers_of_the_intake_in_progress(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    first = start_link(client, patient)
    phone = app.test_client()
    fill_every_step(phone, first)
    second = start_link(client, patient)
    assert phone.get(first).status_code == 404
    # From the front desk, the new link first asks the patient's date of birth (tests/questionnaire/test_identity.py).
    assert phone.get(second).headers["Location"] == f"{second}/confirm"
    phone.post(f"{second}/confirm", data={"date_of_birth": patient.date_of_birth.isoformat()})
    assert phone.get(second).headers["Location"].endswith("/review")


def test_a_token_opens_only_its_own_questionnaire(app, client, login, make_patient):
    patient = make_patient(last_name="Linkholder")
    other = make_patient(last_name="Otherpatient")
    login("front_desk")
    link = start_link(client, patient)
    start_link(client, other)
    phone = app.test_client()
    page = phone.get(f"{link}/contact").get_data(as_text=True)
    assert "Linkholder" in page and "Otherpatient" not in page
    for url in ("/patients/", f"/patients/{patient.id}", f"/patients/{other.id}", "/kiosk", "/kiosk/contact"):
        response = phone.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
    assert phone.get(f"{link}/not-a-step").status_code == 404


def test_guessing_tokens_is_rate_limited_per_client_ip(app, client, login, make_patient):
    app.config["INTAKE_TOKEN_ATTEMPTS"] = 3
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    guesser = app.test_client()
    for n in range(3):
        assert (
            guesser.get(f"/i/{'B' * 42}{n}", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 404
        )
    # Now even a real link is refused from that address, while other addresses are unaffected.
    assert guesser.get(link, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 429
    assert guesser.get("/i/" + "C" * 43, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 429
    assert app.test_client().get(link, environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 302


@pytest.mark.parametrize("role", ["front_desk", "practitioner", "admin"])
def test_every_staff_role_can_send_and_revoke_a_link(app, client, login, make_patient, role):
    patient = make_patient()
    login(role)
    link = start_link(client, patient)
    intake = _intake_of(app, patient)
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Link sent, works until" in chart and "Revoke link" in chart
    assert "0 of 7 steps saved" in chart
    response = client.post(f"/patients/{patient.id}/intakes/{intake.id}/revoke-link")
    assert response.status_code == 302
    assert app.test_client().get(link).status_code == 404
    assert "No working link" in client.get(f"/patients/{patient.id}").get_data(as_text=True)


def test_staff_actions_on_another_patients_intake_are_not_found(app, client, login, make_patient):
    patient = make_patient()
    other = make_patient()
    login("practitioner")
    start_link(client, patient)
    intake = _intake_of(app, patient)
    for action in ("revoke-link", "cancel", "reviewed"):
        assert client.post(f"/patients/{other.id}/intakes/{intake.id}/{action}").status_code == 404
    assert client.get(f"/patients/{other.id}/intakes/{intake.id}").status_code == 404


def test_no_link_for_an_archived_patient(app, client, login, make_patient):
    patient = make_patient(is_archived=True)
    login("front_desk")
    response = client.post(f"/patients/{patient.id}/intakes/link")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IntakeAccess)) == 0


@pytest.mark.parametrize("hand_out", ["send_link", "hand_over_tablet"])
def test_an_archived_patient_gets_no_intake_from_any_caller(app, make_patient, make_user, hand_out):
    patient, user = make_patient(), make_user()
    with app.app_context():
        patient = db.session.get(Patient, patient.id)
        patient.is_archived = True
        db.session.commit()
        with pytest.raises(Refused) as refused:
            getattr(operations, hand_out)(patient, by=user)
        assert refused.value.message == (
            f"{patient.spoken_name} is archived. Restore the patient before starting an intake."
        )
        db.session.commit()
        assert db.session.scalars(db.select(Intake)).all() == []
        assert db.session.scalars(db.select(IntakeAccess)).all() == []
