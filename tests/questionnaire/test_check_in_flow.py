"""A return-visit check-in through the test client: staff send the link, the patient fills every step on their
phone, bad answers are said beside their field with what was typed kept, the link locks after sending, and the
thank-you and used-link pages carry the clinic's phone and address."""

import re

import pytest

from intake.extensions import db
from intake.pain.models import PATIENT_CHECK_IN, PainScore
from intake.questionnaire import check_in_steps as c
from intake.questionnaire.models import SUBMITTED, Intake
from tests.questionnaire.answers import link_path_from


def check_in_data() -> dict[str, dict]:
    """Valid answers for every step of a check-in (a patient whose lower back was scored at intake)."""
    return {
        c.PAIN_NOW: {"now-lower_back_c": "4", "pain-buttock_l": "3"},
        c.PEG: {"peg_pain": "4", "peg_enjoyment": "4", "peg_activity": "5"},
        c.FLARE_UPS: {"count": "2", "worst": "7"},
        c.LAST_TREATMENT: {"reaction_soreness": "y", "reaction_feeling_better": "y", "other": ""},
        c.CHANGES: {
            "medicines": "no",
            "pregnancy": "no",
            "device": "no",
            "injury": "no",
            "surgery": "no",
            "diagnosis": "no",
        },
        c.RED_FLAGS: {key: "no" for key in c.RED_FLAG_KEYS},
    }


def start_check_in_link(client, patient) -> str:
    response = client.post(f"/patients/{patient.id}/intakes/check-in/link")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Check-in link for" in html
    return link_path_from(html)


@pytest.fixture
def returning_patient(make_patient, make_submitted_intake):
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    make_submitted_intake(patient)  # scored lower_back_c 6 at intake
    return patient


def fill(phone, link, data, *, skip=()):
    for step, values in data.items():
        if step in skip:
            continue
        response = phone.post(f"{link}/{step}", data=values)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])


def test_patient_fills_a_check_in_and_it_is_recorded(app, client, login, returning_patient):
    login("front_desk")
    link = start_check_in_link(client, returning_patient)
    phone = app.test_client()
    first = phone.get(link)
    assert first.headers["Location"].endswith(f"{link}/{c.PAIN_NOW}")
    page = phone.get(f"{link}/{c.PAIN_NOW}").get_data(as_text=True)
    assert "Step 1 of 7" in page and "Check-in before your visit" in page
    assert 'name="now-lower_back_c"' in page  # the area scored last time, asked again
    assert "data-body-map" in page  # and the body map for any other
    fill(phone, link, check_in_data())
    review = phone.get(f"{link}/{c.REVIEW}").get_data(as_text=True)
    assert "Lower back, centre: 4; Buttock, left: 3" in review or "Buttock, left: 3" in review
    assert "PEG score (mean)" in review and "4.3 / 10" in review
    assert "Soreness where I was treated; Feeling better" in review
    sent = phone.post(f"{link}/submit")
    assert sent.headers["Location"].endswith("/check-in/thank-you")
    thanks = phone.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Your check-in has been sent to the clinic" in thanks
    assert "What happens next" in thanks
    assert app.config["CLINIC_PHONE"] in thanks and app.config["CLINIC_ADDRESS"] in thanks

    with app.app_context():
        check_in = db.session.scalar(db.select(Intake).where(Intake.form_kind == "check_in"))
        assert check_in.status == SUBMITTED and check_in.peg_score == 4.3
        scores = db.session.scalars(db.select(PainScore).where(PainScore.intake_id == check_in.id)).all()
        assert sorted((s.region_code, s.score, s.context) for s in scores) == [
            ("buttock_l", 3, PATIENT_CHECK_IN),
            ("lower_back_c", 4, PATIENT_CHECK_IN),
        ]

    # The link is locked after sending, and says so kindly, with nothing of the patient on it.
    again = phone.get(link)
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "This form was already sent to the clinic — thank you" in html
    assert "Okafor" not in html and "Margaret" not in html
    assert app.config["CLINIC_PHONE"] in html
    assert phone.post(f"{link}/{c.PEG}", data=check_in_data()[c.PEG]).status_code == 200
    with app.app_context():
        assert db.session.get(Intake, check_in.id).step_answers(c.PEG)["peg_pain"] == 4


def test_an_intakes_link_once_submitted_says_already_sent_too(app, client, login, make_patient):
    from tests.questionnaire.answers import fill_every_step, start_link

    login("front_desk")
    link = start_link(client, make_patient())
    phone = app.test_client()
    fill_every_step(phone, link)
    sent = phone.post(f"{link}/submit")
    thanks = phone.get(sent.headers["Location"]).get_data(as_text=True)
    assert "What happens next" in thanks and app.config["CLINIC_ADDRESS"] in thanks
    assert "This form was already sent to the clinic" in phone.get(link).get_data(as_text=True)


def test_expired_revoked_and_unknown_links_keep_the_plain_refusal(app, client, login, returning_patient):
    from datetime import timedelta

    from intake.questionnaire.models import IntakeAccess

    login("front_desk")
    old = start_check_in_link(client, returning_patient)
    newer = start_check_in_link(client, returning_patient)  # the older link stops working
    phone = app.test_client()
    replaced = phone.get(old)
    assert replaced.status_code == 404 and "This link cannot be used" in replaced.get_data(as_text=True)
    assert phone.get("/i/" + "A" * 43).status_code == 404
    with app.app_context():
        for grant in db.session.scalars(db.select(IntakeAccess)):
            grant.expires_at = grant.created_at - timedelta(minutes=1)
        db.session.commit()
    expired = phone.get(newer)
    assert expired.status_code == 404 and "already sent" not in expired.get_data(as_text=True)


def test_a_link_opens_only_its_own_patients_check_in(app, client, login, make_patient, make_submitted_intake):
    login("front_desk")
    first, second = make_patient(last_name="Abara"), make_patient(last_name="Zhou")
    make_submitted_intake(first, regions={"neck_back": 5})
    first_link = start_check_in_link(client, first)
    start_check_in_link(client, second)
    phone = app.test_client()
    fill(phone, first_link, check_in_data(), skip=(c.PAIN_NOW,))
    phone.post(f"{first_link}/{c.PAIN_NOW}", data={"now-neck_back": "2"})
    html = phone.get(f"{first_link}/{c.REVIEW}").get_data(as_text=True)
    assert "Zhou" not in html
    with app.app_context():
        forms = {form.patient_id: form for form in db.session.scalars(db.select(Intake))}
        assert forms[second.id].answers == {}
        assert forms[first.id].step_answers(c.PAIN_NOW)["regions"] == {"neck_back": 2}


BAD_ANSWERS = [
    (c.PAIN_NOW, {"now-lower_back_c": ""}, "Choose how your lower back, centre feels today"),
    (c.PAIN_NOW, {"now-lower_back_c": "11"}, "Choose how your lower back, centre feels today"),
    (
        c.PAIN_NOW,
        {"now-lower_back_c": "3", "pain-lower_back_c": "3"},
        "You scored this area in the list above",
    ),
    (c.PEG, {"peg_pain": "4", "peg_enjoyment": "4"}, "Choose a number from 0 to 10."),
    (c.PEG, {"peg_pain": "4", "peg_enjoyment": "x", "peg_activity": "5"}, "Not a valid choice"),
    (c.FLARE_UPS, {"count": ""}, "Enter how many, from 0 to 30"),
    (c.FLARE_UPS, {"count": "31"}, "Enter a number from 0 to 30."),
    (c.FLARE_UPS, {"count": "-1"}, "Enter a number from 0 to 30."),
    (c.FLARE_UPS, {"count": "two"}, "Enter a whole number from 0 to 30"),
    (c.FLARE_UPS, {"count": "2"}, "Choose how bad the worst flare-up was"),
    (c.FLARE_UPS, {"count": "0", "worst": "6"}, "Leave this empty when you had no flare-ups"),
    (c.LAST_TREATMENT, {}, "Tick what you noticed, or"),
    (c.LAST_TREATMENT, {"reaction_bruising": "y", "no_reaction": "y"}, "untick one of them"),
    (c.LAST_TREATMENT, {"other": "x" * 301}, "300"),
]


def _change(**values) -> dict:
    return check_in_data()[c.CHANGES] | values


CHANGE_PROBLEMS = [
    (_change(medicines="yes"), "Tell us which medicines you started or stopped."),
    (_change(medicines_started="Naproxen"), "Name a medicine only if you answered yes"),
    (_change(thinner_warfarin="y"), "Tick a blood thinner only if you answered yes"),
    (_change(pregnancy="yes"), "Choose how far along you are"),
    (_change(trimester="2"), "Choose a trimester only if you answered yes to being pregnant."),
    (_change(pregnancy=""), "Answer no, yes or possibly."),
    (_change(device="yes"), "Choose what kind of device it is."),
    (_change(device_kind="pacemaker"), "Describe a device only if you answered yes"),
    (_change(injury="yes"), "Tell us what happened and where you were hurt."),
    (_change(surgery="yes"), "Tell us what surgery you had and when."),
    (_change(diagnosis="yes"), "Tell us what the doctor told you."),
    (_change(diagnosis_detail="Arthritis"), "Tell us about this only if you answered yes."),
    (_change(injury=""), "Answer yes or no."),
]


@pytest.fixture
def check_in_link(app, client, login, returning_patient):
    login("front_desk")
    return start_check_in_link(client, returning_patient)


@pytest.mark.parametrize(("step", "values", "message"), BAD_ANSWERS)
def test_a_bad_answer_is_said_beside_its_field_and_what_was_typed_is_kept(
    app, check_in_link, step, values, message
):
    phone = app.test_client()
    response = phone.post(f"{check_in_link}/{step}", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="field__error"' in html or "body-map__error" in html or "field--error" in html
    with app.app_context():
        assert (
            db.session.scalar(db.select(Intake).where(Intake.form_kind == "check_in")).step_answers(step)
            == {}
        )


@pytest.mark.parametrize(("values", "message"), CHANGE_PROBLEMS)
def test_each_follow_up_of_what_changed_is_checked_on_the_server(app, check_in_link, values, message):
    phone = app.test_client()
    response = phone.post(f"{check_in_link}/{c.CHANGES}", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    for typed in ("Naproxen", "Arthritis"):
        if typed in values.values():
            assert f'value="{typed}"' in html


def test_every_yes_with_its_follow_up_is_saved(app, check_in_link):
    phone = app.test_client()
    values = _change(
        medicines="yes",
        thinner_apixaban="y",
        medicines_stopped="Ibuprofen",
        pregnancy="yes",
        trimester="2",
        device="yes",
        device_kind="pacemaker",
        device_detail="Left chest",
        injury="yes",
        injury_detail="Fell on ice",
        surgery="yes",
        surgery_detail="Knee scope in May",
        diagnosis="yes",
        diagnosis_detail="Type 2 diabetes",
    )
    assert phone.post(f"{check_in_link}/{c.CHANGES}", data=values).status_code == 302
    with app.app_context():
        saved = db.session.scalar(db.select(Intake).where(Intake.form_kind == "check_in")).step_answers(
            c.CHANGES
        )
    assert saved["blood_thinners"] == ["apixaban"] and saved["medicines_stopped"] == "Ibuprofen"
    assert saved["pregnancy"] == "yes" and saved["trimester"] == "2"
    assert saved["device"] is True and saved["device_kind"] == "pacemaker"
    assert saved["injury_detail"] == "Fell on ice" and saved["diagnosis"] is True
    page = phone.get(f"{check_in_link}/{c.CHANGES}").get_data(as_text=True)
    assert re.search(r'name="thinner_apixaban"[^>]*checked|checked[^>]*name="thinner_apixaban"', page)


def test_a_cauda_equina_answer_shows_the_urgent_advice_before_going_on(app, check_in_link):
    phone = app.test_client()
    answers = {key: "no" for key in c.RED_FLAG_KEYS} | {"saddle_numbness": "yes"}
    response = phone.post(f"{check_in_link}/{c.RED_FLAGS}", data=answers)
    assert response.headers["Location"].endswith(f"{check_in_link}/urgent-advice")
    advice = phone.get(f"{check_in_link}/urgent-advice")
    assert advice.status_code == 200
    html = advice.get_data(as_text=True)
    assert app.config["URGENT_ADVICE_EMERGENCY"][:30] in html
    assert f'href="{check_in_link}/{c.REVIEW}"' in html  # then on to the review


def test_the_check_in_cannot_be_sent_with_steps_missing(app, check_in_link):
    phone = app.test_client()
    fill(phone, check_in_link, check_in_data(), skip=(c.CHANGES,))
    response = phone.post(f"{check_in_link}/submit")
    assert response.status_code == 422
    assert "What has changed" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(db.select(Intake).where(Intake.form_kind == "check_in")).status == "in_progress"
        )


def test_a_check_in_on_the_clinic_tablet_signs_staff_out_and_locks_after_sending(
    app, client, login, returning_patient
):
    login("front_desk")
    start = client.get(f"/patients/{returning_patient.id}/intakes/check-in/start")
    assert "Check-in before the visit for" in start.get_data(as_text=True)
    handed = client.post(f"/patients/{returning_patient.id}/intakes/check-in/kiosk")
    assert handed.headers["Location"].endswith("/kiosk")
    assert client.get("/kiosk").headers["Location"].endswith(f"/kiosk/{c.PAIN_NOW}")
    assert client.get(f"/patients/{returning_patient.id}").status_code in (302, 401, 403)
    fill(client, "/kiosk", check_in_data())
    sent = client.post("/kiosk/submit")
    assert sent.headers["Location"].endswith("/check-in/thank-you")
    assert client.get("/kiosk").headers["Location"].endswith("/login")


def test_staff_revoke_a_check_in_link_and_cancel_the_check_in_from_the_chart(
    app, client, login, returning_patient
):
    from intake.audit.models import AuditEvent

    login("front_desk")
    link = start_check_in_link(client, returning_patient)
    with app.app_context():
        check_in = db.session.scalar(db.select(Intake).where(Intake.form_kind == "check_in"))
    chart = client.get(f"/patients/{returning_patient.id}").get_data(as_text=True)
    assert "Revoke check-in link" in chart and "Cancel check-in" in chart
    revoked = client.post(
        f"/patients/{returning_patient.id}/intakes/{check_in.id}/revoke-link", follow_redirects=True
    )
    assert "The check-in link no longer works." in revoked.get_data(as_text=True)
    assert app.test_client().get(link).status_code == 404
    cancelled = client.post(
        f"/patients/{returning_patient.id}/intakes/{check_in.id}/cancel", follow_redirects=True
    )
    assert "Check-in cancelled" in cancelled.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Intake, check_in.id).status == "revoked"
        details = set(
            db.session.scalars(db.select(AuditEvent.detail).where(AuditEvent.record_id == check_in.id))
        )
    assert {"check-in link revoked", "check-in cancelled"} <= details
