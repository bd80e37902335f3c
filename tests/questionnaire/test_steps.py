"""Each step validates on the server: messages beside the fields, what was typed kept, nothing saved."""

import pytest

from intake.extensions import db
from intake.questionnaire import operations
from intake.questionnaire import steps as q
from intake.questionnaire.models import Intake
from tests.questionnaire.answers import SIGNATURE, start_link, step_data


@pytest.fixture
def link(client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    return start_link(client, patient)


def saved_answers(app) -> dict:
    with app.app_context():
        return db.session.scalar(db.select(Intake)).answers


def post_step(app, link, step, **changes):
    return app.test_client().post(f"{link}/{step}", data=step_data()[step] | changes)


def refused(response, *messages):
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please fix the highlighted" in html
    for message in messages:
        assert message in html, message
    return html


def test_contact_step_refuses_a_bad_phone_and_keeps_what_was_typed(app, link):
    html = refused(
        post_step(app, link, q.CONTACT, phone="12", city="Sherwood Park"),
        "Enter a phone number with area code",
    )
    assert 'value="Sherwood Park"' in html
    assert saved_answers(app) == {}


@pytest.mark.parametrize("score", ["11", "-1", "7.5", "ten"])
def test_pain_scores_outside_0_to_10_are_refused(app, link, score):
    html = refused(
        post_step(app, link, q.PAIN, **{"pain-lower_back_l": score}), "choose a whole number from 0"
    )
    assert 'value="4" selected' in html  # the buttock score typed beside it is kept
    assert saved_answers(app) == {}


def test_weekly_pain_must_be_0_to_10_and_least_not_above_worst(app, link):
    refused(post_step(app, link, q.PAIN, worst="12"), "Not a valid choice")
    refused(post_step(app, link, q.PAIN, worst="3", least="5", average="4"), "least pain cannot be more")
    refused(
        post_step(app, link, q.PAIN, worst="6", least="2", average="8"), "between your least and your worst"
    )
    refused(post_step(app, link, q.PAIN, worst=""), "Choose your worst pain")


def test_red_flags_must_each_be_answered(app, link):
    html = refused(post_step(app, link, q.RED_FLAGS, saddle_numbness=""), "Answer yes or no.")
    assert html.count('class="field__error">Answer yes or no.') == 1  # beside the one unanswered flag


def test_odi_sections_may_be_skipped(app, link):
    odi = {key: "" for key in q.ODI_SECTION_KEYS} | {"lifting": "3", "walking": "skip"}
    assert app.test_client().post(f"{link}/odi", data=odi).status_code == 302
    saved = saved_answers(app)[q.ODI]
    assert saved["lifting"] == 3 and saved["walking"] is None and saved["sitting"] is None


def test_odi_refuses_a_score_that_is_not_a_statement(app, link):
    refused(post_step(app, link, q.ODI, lifting="6"), "Not a valid choice")


def test_trimester_is_refused_without_pregnancy(app, link):
    refused(
        post_step(app, link, q.HEALTH, pregnant="no", trimester="1"),
        "only if you answered yes to being pregnant",
    )
    refused(post_step(app, link, q.HEALTH, pregnant="possibly", trimester="2"), "only if you answered yes")
    assert saved_answers(app) == {}


def test_pregnancy_needs_a_trimester(app, link):
    refused(post_step(app, link, q.HEALTH, pregnant="yes"), "Choose how far along you are")
    assert post_step(app, link, q.HEALTH, pregnant="yes", trimester="1").status_code == 302
    assert saved_answers(app)[q.HEALTH]["trimester"] == "1"


def test_anticoagulant_name_only_when_taking_one(app, link):
    refused(post_step(app, link, q.HEALTH, anticoagulant="yes"), "Enter the name of your blood thinner")
    refused(
        post_step(app, link, q.HEALTH, anticoagulant="no", anticoagulant_name="warfarin"),
        "only if you answered yes",
    )
    ok = post_step(app, link, q.HEALTH, anticoagulant="yes", anticoagulant_name="apixaban")
    assert ok.status_code == 302
    assert saved_answers(app)[q.HEALTH]["anticoagulant_name"] == "apixaban"


def test_detail_questions_follow_their_yes(app, link):
    refused(post_step(app, link, q.HEALTH, recent_surgery="yes"), "Tell us about the surgery")
    refused(
        post_step(app, link, q.HEALTH, skin_condition="no", skin_condition_detail="eczema"),
        "only if you answered yes",
    )


def test_health_page_marks_conditional_questions_for_the_script(app, link):
    html = app.test_client().get(f"{link}/health").get_data(as_text=True)
    assert 'data-show-when="pregnant=yes"' in html
    assert 'data-show-when="anticoagulant=yes"' in html
    assert "questionnaire.js" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Type your full name."),
        ({"signature_path": "", "signature_typed": ""}, "Sign in the box, or type your name"),
        ({"agree": ""}, "Tick the box to give your consent"),
        ({"privacy_acknowledged": ""}, "Tick the box to confirm you have read the privacy notice"),
        ({"signature_path": "M10 10 L20 20"}, "That signature is too short"),
        ({"signature_path": "M10 10 L20 20 <script>"}, "That signature could not be read"),
        ({"signature_path": "data:image/png;base64,AAAA"}, "That signature could not be read"),
        ({"signature_path": SIGNATURE + " L900 100"}, "goes outside the box"),
        ({"signature_path": "M1 1" + " L2 2" * 9000}, "too large"),
    ],
)
def test_consent_without_name_or_signature_is_refused(app, link, changes, message):
    html = refused(post_step(app, link, q.CONSENT, **changes), message)
    if changes.get("full_name") != "":
        assert 'value="Margaret Okafor"' in html
    with app.app_context():
        assert db.session.scalar(db.select(Intake)).consent_signed_at is None


def test_a_submitted_intake_is_never_changed(app, make_patient, make_submitted_intake):
    intake = make_submitted_intake(make_patient())
    with app.app_context():
        record = db.session.get(Intake, intake.id)
        before = dict(record.answers)
        with pytest.raises(operations.IntakeClosed):
            operations.save_step(record, q.COMPLAINT, {"reason": "changed"})
        with pytest.raises(operations.IntakeClosed):
            operations.submit_intake(record)
        with pytest.raises(operations.IntakeClosed):
            operations.cancel_intake(record)
        assert record.answers == before


def test_new_information_is_a_new_intake(app, client, login, make_patient, make_submitted_intake):
    patient = make_patient()
    first = make_submitted_intake(patient)
    login("front_desk")
    start_link(client, patient)
    with app.app_context():
        intakes = db.session.scalars(db.select(Intake).order_by(Intake.id)).all()
        assert [(i.id == first.id, i.status) for i in intakes] == [
            (True, "submitted"),
            (False, "in_progress"),
        ]
