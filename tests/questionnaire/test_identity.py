"""A new link or tablet from the front desk shows nothing saved earlier until the patient confirms
their date of birth; a wrong date is refused with a message and limited; every patient row names its grant."""

from datetime import date

from intake.audit import models as audit
from intake.audit.operations import grant_of_actor
from intake.extensions import db
from intake.questionnaire import grants
from intake.questionnaire import steps as q
from intake.questionnaire.identity import IDENTITY_ATTEMPTS
from intake.questionnaire.models import Intake, IntakeAccess
from tests.questionnaire.answers import start_link, step_data

BIRTH_DATE = date(1958, 3, 14)
COMPLAINT_CANARY = "Canary-complaint sciatica after the ferry trip"
HEALTH_CANARY = "Canary-health lupus since 2011"
WRONG_DATE = "That date of birth does not match our records"


def saved_answers() -> dict[str, dict]:
    data = step_data()
    data[q.COMPLAINT]["reason"] = COMPLAINT_CANARY
    data[q.HEALTH]["conditions"] = HEALTH_CANARY
    data[q.ODI] = {key: "4" for key in q.ODI_SECTION_KEYS}
    data[q.RED_FLAGS] = {key: "yes" for key in q.RED_FLAG_KEYS}
    return data


def half_fill(app, client, patient) -> str:
    """The patient fills contact, complaint, ODI, red flags and health through the first link."""
    link = start_link(client, patient)
    phone = app.test_client()
    data = saved_answers()
    for step in (q.CONTACT, q.COMPLAINT, q.ODI, q.RED_FLAGS, q.HEALTH):
        response = phone.post(f"{link}/{step}", data=data[step])
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:800])
    return link


def assert_hidden(client, link: str) -> None:
    """Every page of the link leads to the date-of-birth question, and none shows a saved answer."""
    confirm = f"{link}/confirm"
    for url in (link, *(f"{link}/{step.key}" for step in q.STEPS)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == confirm, url
    page = client.get(confirm)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Your date of birth" in html
    for canary in (COMPLAINT_CANARY, HEALTH_CANARY, "checked", "Okafor", "780-555-0199", "Testpatient"):
        assert canary not in html


def test_a_new_link_from_the_front_desk_hides_answers_until_the_birth_date_is_confirmed(
    app, client, login, make_patient
):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    new_link = start_link(client, patient)  # "Send a new link": the front desk now holds it

    assert_hidden(client, new_link)
    # Posting to a step or submitting changes nothing either.
    blank = client.post(
        f"{new_link}/{q.COMPLAINT}", data={**step_data()[q.COMPLAINT], "reason": "Overwritten"}
    )
    assert blank.headers["Location"] == f"{new_link}/confirm"
    assert client.post(f"{new_link}/submit").headers["Location"] == f"{new_link}/confirm"
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.status == "in_progress"
        assert intake.step_answers(q.COMPLAINT)["reason"] == COMPLAINT_CANARY  # nothing lost

    patient_phone = app.test_client()
    confirmed = patient_phone.post(f"{new_link}/confirm", data={"date_of_birth": BIRTH_DATE.isoformat()})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == new_link
    complaint = patient_phone.get(f"{new_link}/{q.COMPLAINT}").get_data(as_text=True)
    assert COMPLAINT_CANARY in complaint
    assert HEALTH_CANARY in patient_phone.get(f"{new_link}/{q.HEALTH}").get_data(as_text=True)
    assert "checked" in patient_phone.get(f"{new_link}/{q.RED_FLAGS}").get_data(as_text=True)
    # The confirmation belongs to that browser: the front desk's still sees nothing.
    assert_hidden(client, new_link)


def test_a_wrong_birth_date_gets_a_message_and_the_tries_are_limited(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    new_link = start_link(client, patient)
    guesser = app.test_client()
    for junk in ("", "not a date", "0001-01-01", "9999-12-31", "1958-02-30"):
        response = guesser.post(f"{new_link}/confirm", data={"date_of_birth": junk})
        assert response.status_code == 422, junk
        assert COMPLAINT_CANARY not in response.get_data(as_text=True)
    for _ in range(IDENTITY_ATTEMPTS):
        response = guesser.post(f"{new_link}/confirm", data={"date_of_birth": "1958-03-15"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and WRONG_DATE in html and 'class="field__error"' in html
    # The limit holds even for the right date, from any browser, until the window has passed.
    late = app.test_client().post(f"{new_link}/confirm", data={"date_of_birth": BIRTH_DATE.isoformat()})
    assert late.status_code == 429 and "Too many tries" in late.get_data(as_text=True)
    assert_hidden(app.test_client(), new_link)
    with app.app_context():
        refused = db.session.scalars(
            db.select(audit.AuditEvent).where(audit.AuditEvent.action == audit.ACCESS_DENIED)
        ).all()
        assert [e.detail for e in refused] == ["date of birth did not match"] * IDENTITY_ATTEMPTS


def test_a_link_reissued_by_a_practitioner_shows_the_saved_answers_as_before(
    app, client, login, make_patient
):
    login("practitioner")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    new_link = start_link(client, patient)
    page = app.test_client().get(f"{new_link}/{q.COMPLAINT}")
    assert page.status_code == 200 and COMPLAINT_CANARY in page.get_data(as_text=True)


def test_a_front_desk_link_on_a_fresh_intake_asks_nothing(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    link = start_link(client, patient)
    phone = app.test_client()
    data = step_data()
    for step in (q.CONTACT, q.COMPLAINT):
        assert phone.post(f"{link}/{step}", data=data[step]).status_code == 302
    # Coming back with the same link (another browser, even) shows what that link saved.
    page = app.test_client().get(f"{link}/{q.COMPLAINT}")
    assert page.status_code == 200 and data[q.COMPLAINT]["reason"] in page.get_data(as_text=True)


def test_every_patient_row_names_the_grant_it_came_through(app, client, login, make_patient, audit_events):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    first_link = half_fill(app, client, patient)
    new_link = start_link(client, patient)
    phone = app.test_client()
    phone.post(f"{new_link}/confirm", data={"date_of_birth": BIRTH_DATE.isoformat()})
    phone.post(f"{new_link}/{q.PAIN}", data=step_data()[q.PAIN])
    with app.app_context():
        by_hash = {g.token_hash: g.id for g in db.session.scalars(db.select(IntakeAccess))}
    first = by_hash[grants.hash_token(first_link.rsplit("/", 1)[1])]
    second = by_hash[grants.hash_token(new_link.rsplit("/", 1)[1])]

    rows = [e for e in audit_events() if e.user_role == "patient"]
    assert rows and all(grant_of_actor(e.user_name) in (first, second) for e in rows)
    assert {e.detail for e in rows if grant_of_actor(e.user_name) == first} >= {
        "step complaint",
        "step health",
    }
    assert {e.detail for e in rows if grant_of_actor(e.user_name) == second} >= {
        "date of birth confirmed",
        "step pain",
    }
    assert rows[0].user_name == f"Patient (intake link) · grant {first}"


def test_a_tablet_handed_over_by_the_front_desk_hides_answers_saved_through_the_link(
    app, client, login, make_patient
):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    client.post(f"/patients/{patient.id}/intakes/kiosk")  # front desk still holds the tablet
    for url in ("/kiosk", f"/kiosk/{q.COMPLAINT}", f"/kiosk/{q.HEALTH}", f"/kiosk/{q.REVIEW}"):
        assert client.get(url).headers["Location"] == "/kiosk/confirm", url
    html = client.get("/kiosk/confirm").get_data(as_text=True)
    assert COMPLAINT_CANARY not in html and HEALTH_CANARY not in html
    client.post("/kiosk/confirm", data={"date_of_birth": BIRTH_DATE.isoformat()})
    assert COMPLAINT_CANARY in client.get(f"/kiosk/{q.COMPLAINT}").get_data(as_text=True)


def test_a_new_link_does_not_buy_more_birth_date_guesses(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    guesser = app.test_client()
    for _ in range(IDENTITY_ATTEMPTS):
        link = start_link(client, patient)
        guesser.post(f"{link}/confirm", data={"date_of_birth": "1958-03-15"})
    fresh = start_link(client, patient)
    late = guesser.post(f"{fresh}/confirm", data={"date_of_birth": BIRTH_DATE.isoformat()})
    assert late.status_code == 429 and "Too many tries" in late.get_data(as_text=True)
