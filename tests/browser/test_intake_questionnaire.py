"""On a 768x1024 touch tablet: front desk sends an intake link, the patient fills it in, taps two
regions on the body map, signs on the canvas and submits; the practitioner sees the alert banner."""

import os

import pytest
from playwright.sync_api import Page, expect

from intake.questionnaire import steps as q
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join("test-results", "intake")  # screenshots to look at


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def save_and_continue(page: Page, next_step: int) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text(f"Step {next_step} of 8", exact=True)).to_be_visible()


def test_patient_fills_the_intake_on_a_tablet(page: Page, live_server, make_user, make_patient):
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient(first_name="Margaret", last_name="Okafor")

    # Front desk: send a link from the chart.
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    page.get_by_role("button", name="Send intake link").click()
    expect(page.get_by_role("heading", name="Intake link for Okafor, Margaret")).to_be_visible()
    expect(page.locator("img.qr")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-link.png", full_page=True)
    link = page.get_by_label("Link for the patient").input_value()
    page.get_by_role("button", name="Sign out").click()

    # The patient: step 1, contact details.
    page.goto(link)
    expect(page.get_by_text("Step 1 of 8", exact=True)).to_be_visible()
    expect(page.get_by_label("Phone", exact=True)).to_have_value("780-555-0100")
    page.get_by_label("Emergency contact name").fill("Daniel Okafor")
    page.get_by_label("Emergency contact phone").fill("780-555-0177")
    page.screenshot(path=f"{SHOTS}-1-contact.png", full_page=True)
    save_and_continue(page, 2)

    # Step 2: why they come.
    page.get_by_label("What brings you in?").fill("Lower back pain on the left")
    answer(page, "When did it start?", "More than 3 months ago")
    answer(page, "Is it constant, or does it come and go?", "Comes and goes")
    answer(page, "Have you had acupuncture before?", "No")
    answer(page, "Have you had massage therapy before?", "Yes")
    save_and_continue(page, 3)

    # Step 3: tap two regions on the body map and score them.
    body_map = page.locator("[data-body-map]")
    for region, score in (("lower_back_l", "7"), ("buttock_l", "4")):
        body_map.locator(f'svg [data-region="{region}"]').tap()
        picker = body_map.locator(".score-picker")
        expect(picker).to_be_visible()
        picker.locator(f'button[data-score="{score}"]').tap()
        expect(page.locator(f"select#pain-{region}")).to_have_value(score)
    for question, score in (("worst", "8"), ("least", "2"), ("average", "5")):
        answer(page, f"Your {question} pain in the last week", score)
    page.screenshot(path=f"{SHOTS}-3-pain.png", full_page=True)
    save_and_continue(page, 4)

    # Step 4: ODI, one statement per section; the sex-life section is skipped.
    for section in q.ODI_SECTIONS:
        if section.key != "sex_life":
            page.get_by_label(section.statements[2], exact=True).check()
    page.screenshot(path=f"{SHOTS}-4-odi.png")
    save_and_continue(page, 5)

    # Step 5: red flags.
    for flag in q.RED_FLAGS_ASKED:
        answer(page, flag.question, "No")
    save_and_continue(page, 6)

    # Step 6: health history; follow-up questions appear only when relevant.
    trimester = page.get_by_role("group", name="How far along are you?")
    expect(trimester).to_be_hidden()
    answer(page, "Are you pregnant, or could you be?", "Yes")
    expect(trimester).to_be_visible()
    answer(page, "Are you pregnant, or could you be?", "No")
    expect(trimester).to_be_hidden()
    blood_thinner = page.get_by_label("Which blood thinner?")
    expect(blood_thinner).to_be_hidden()
    answer(page, q.PRECAUTIONS_ASKED[0].question, "No")
    page.get_by_role("group", name="Do you take a blood thinner").get_by_label("Yes", exact=True).check()
    blood_thinner.fill("warfarin")
    for precaution in (*q.PRECAUTIONS_ASKED, *q.DETAILED_PRECAUTIONS):
        answer(page, precaution.question, "No")
    page.get_by_label("Latex").check()
    page.screenshot(path=f"{SHOTS}-6-health.png", full_page=True)
    save_and_continue(page, 7)

    # Step 7: consent, signed on the canvas.
    page.get_by_label("I have read the consent above and agree to treatment").check()
    page.get_by_label("I have read how the clinic protects my information").check()
    page.get_by_label("Your full name").fill("Margaret Okafor")
    canvas = page.locator("canvas[data-signature-canvas]")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(box["x"] + 40 + step * 20, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)))
    page.mouse.up()
    assert page.locator("input[data-signature-input]").input_value().startswith("M")
    page.screenshot(path=f"{SHOTS}-7-consent.png", full_page=True)
    save_and_continue(page, 8)

    # Step 8: review and submit.
    expect(page.get_by_text("Lower back, left: 7; Buttock, left: 4")).to_be_visible()
    expect(page.get_by_text("Yes: warfarin")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-8-review.png", full_page=True)
    submit = page.get_by_role("button", name="Submit my answers")
    assert submit.bounding_box()["height"] >= 44
    submit.tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-thank-you.png")

    # The practitioner sees the alert banner and the intake at a glance.
    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    page.locator("details.chart-alerts > summary").click()  # the chart's alerts line opens to the banner
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Anticoagulant (warfarin) — bleeding risk")
    expect(banner).to_contain_text("Latex allergy")
    expect(page.get_by_text("Moderate disability")).to_be_visible()
    expect(page.locator(".intake-glance img, .intake-glance svg")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-chart.png", full_page=True)
    page.get_by_role("link", name="Full intake").click()
    expect(page.get_by_role("img", name="Signature of Margaret Okafor")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-full.png", full_page=True)


def test_questionnaire_fits_a_phone_screen(page: Page, live_server, app, make_patient):
    from intake.extensions import db
    from intake.patients.models import Patient
    from intake.questionnaire import grants, operations

    patient = make_patient()
    with app.app_context():
        intake = operations.start_intake(db.session.get(Patient, patient.id))
        token, _grant = grants.issue_link(intake)
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    for step in ("contact", "complaint", "pain", "odi", "red_flags", "health", "consent", "review"):
        page.goto(f"{live_server}/i/{token}/{step}")
        expect(
            page.get_by_role("button", name="Save and continue").or_(
                page.get_by_role("button", name="Submit my answers")
            )
        ).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step} scrolls sideways on a phone"
        if step in ("pain", "health"):
            page.screenshot(path=f"{SHOTS}-phone-{step}.png", full_page=True)


def test_tablet_handed_to_the_patient_locks_after_submitting(
    page: Page, live_server, make_user, make_patient
):
    from tests.questionnaire.answers import step_data

    desk = make_user(role="front_desk")
    patient = make_patient(last_name="Kioskpatient")
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    page.get_by_role("link", name="Open on this tablet").click()
    page.get_by_role("button", name="Sign me out and hand the tablet to the patient").click()
    expect(page.get_by_text("Step 1 of 8", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("link", name="Patients")).to_have_count(0)

    # The patient's answers, sent from this tablet's own session.
    for step, values in step_data().items():
        response = page.request.post(f"{live_server}/kiosk/{step}", form=values, max_redirects=0)
        assert response.status == 302, step
    page.goto(f"{live_server}/kiosk/review")
    page.get_by_role("button", name="Submit my answers").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Kioskpatient")).to_have_count(0)
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-kiosk-locked.png")
