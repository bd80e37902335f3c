"""A patient who answers yes to a red flag is told at once, in plain words, what to do before going on.

The advice is in the page the red-flag step redirects to: it needs no script.
"""

import re

import pytest

from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.questionnaire import steps as q
from intake.questionnaire.models import Intake
from tests.questionnaire.answers import start_link, step_data


@pytest.fixture
def link(app, client, login, make_patient):
    """A patient's link with every step before the red flags saved; the staff session is signed out."""
    login("front_desk")
    path = start_link(client, make_patient(first_name="Rosa", last_name="Nakamura"))
    client.post("/logout")
    data = step_data()
    odi = {key: "2" for key in q.ODI_SECTION_KEYS} | {"sex_life": "skip"}
    for step, values in (
        (q.CONTACT, data[q.CONTACT]),
        (q.COMPLAINT, data[q.COMPLAINT]),
        (q.PAIN, data[q.PAIN]),
    ):
        assert client.post(f"{path}/{step}", data=values).status_code == 302
    assert client.post(f"{path}/{q.ODI}", data=odi).status_code == 302
    return path


def red_flags(**yes) -> dict:
    return {key: "yes" if yes.get(key) else "no" for key in q.RED_FLAG_KEYS}


@pytest.mark.parametrize("sign", ["saddle_numbness", "bladder_bowel", "leg_weakness"])
def test_a_cauda_equina_sign_sends_the_patient_to_emergency_at_once(app, client, link, sign):
    saved = client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(**{sign: True}))
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"{link}/urgent-advice")
    page = client.get(saved.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Please get help now" in html
    assert "Go to an emergency department now, or call 911." in html
    assert 'href="tel:911"' in html
    assert "Health Link" not in html
    assert f'href="{link}/{q.HEALTH}">Continue the questionnaire' in html


def test_other_red_flags_advise_a_doctor_or_health_link_811(client, link):
    saved = client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(fever=True, weight_loss=True))
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Please check with a doctor" in html
    assert "Contact your doctor, or call Health Link at 811 (Alberta)" in html
    assert 'href="tel:811"' in html and 'href="tel:911"' not in html


def test_no_red_flag_goes_straight_on_and_the_advice_page_sends_them_on_too(client, link):
    saved = client.post(f"{link}/{q.RED_FLAGS}", data=red_flags())
    assert saved.headers["Location"].endswith(f"{link}/{q.HEALTH}")
    advice = client.get(f"{link}/urgent-advice")
    assert advice.status_code == 302 and advice.headers["Location"].endswith(f"{link}/{q.HEALTH}")


def test_the_answers_are_kept_and_the_patient_can_continue(app, client, link):
    client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(saddle_numbness=True))
    assert client.get(f"{link}/{q.HEALTH}").status_code == 200
    back = client.get(f"{link}/{q.RED_FLAGS}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="saddle_numbness"[^>]*value="yes"', back)
    with app.app_context():
        intake = db.session.scalars(db.select(Intake)).one()
        assert intake.step_answers(q.RED_FLAGS)["saddle_numbness"] is True


def test_showing_the_advice_is_audited_as_a_view_by_the_patient(app, client, link):
    client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(leg_weakness=True))
    client.get(f"{link}/urgent-advice")
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "view" and event.user_id is None
        assert event.detail == "urgent advice shown (emergency)"
        assert event.user_role == "patient"


def test_the_wording_is_a_clinic_setting(app, client, link):
    app.config["URGENT_ADVICE_EMERGENCY"] = "Rendez-vous aux urgences maintenant ou composez le 911."
    client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(saddle_numbness=True))
    html = client.get(f"{link}/urgent-advice").get_data(as_text=True)
    assert "Rendez-vous aux urgences maintenant ou composez le 911." in html


def test_a_clinic_tablet_shows_the_same_advice(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    assert client.post(f"/patients/{patient.id}/intakes/kiosk").status_code == 302
    data = step_data()
    for step in (q.CONTACT, q.COMPLAINT, q.PAIN):
        client.post(f"/kiosk/{step}", data=data[step])
    client.post(f"/kiosk/{q.ODI}", data={key: "2" for key in q.ODI_SECTION_KEYS} | {"sex_life": "skip"})
    saved = client.post(f"/kiosk/{q.RED_FLAGS}", data=red_flags(bladder_bowel=True))
    assert saved.headers["Location"].endswith("/kiosk/urgent-advice")
    html = client.get("/kiosk/urgent-advice").get_data(as_text=True)
    assert "Please get help now" in html and "Clinic tablet" in html


def test_the_review_step_reminds_the_patient_what_to_do_now(client, link):
    client.post(f"{link}/{q.RED_FLAGS}", data=red_flags(saddle_numbness=True))
    review = client.get(f"{link}/review").get_data(as_text=True)
    assert f'<a href="{link}/urgent-advice">What to do now</a>' in review
    client.post(f"{link}/{q.RED_FLAGS}", data=red_flags())
    assert "What to do now" not in client.get(f"{link}/review").get_data(as_text=True)
