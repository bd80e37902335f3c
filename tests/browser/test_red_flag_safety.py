"""On a phone (390x844): a patient answering yes to saddle numbness is told at once to go to an emergency
department; the practitioner sees the red flag on the chart and records a decision; front desk sees only that
there are alerts for the practitioner."""

import os

import pytest
from playwright.sync_api import Browser, Page, expect

from intake.clinic_time import clinic_today
from intake.questionnaire import steps as q
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = "/tmp/a12"  # screenshots to look at
PHONE = {"width": 390, "height": 844}
STEPS_BEFORE_RED_FLAGS = (q.CONTACT, q.COMPLAINT, q.PAIN, q.ODI)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def link_at_the_red_flag_step(app, patient) -> str:
    """Issue a link and save the steps before the red flags, as if the patient had answered them."""
    from intake.extensions import db
    from intake.patients.models import Patient
    from intake.questionnaire import grants, operations
    from tests.fixtures.questionnaire import default_answers

    with app.app_context():
        record = db.session.get(Patient, patient.id)
        intake = operations.start_intake(record)
        answers = default_answers(record)
        for step in STEPS_BEFORE_RED_FLAGS:
            operations.save_step(intake, step, answers[step])
        token, _grant = grants.issue_link(intake)
        db.session.commit()
    return f"/i/{token}"


def open_red_flag_step(page: Page, url: str, patient) -> None:
    """Open the step; the answers saved before this link was issued ask for the date of birth first."""
    page.goto(url)
    born = page.get_by_role("group", name="Your date of birth")  # day, month and year, no calendar
    born.get_by_label("Day").fill(str(patient.date_of_birth.day))
    born.get_by_label("Month").select_option(str(patient.date_of_birth.month))
    born.get_by_label("Year").fill(str(patient.date_of_birth.year))
    page.get_by_role("button", name="Continue").tap()
    expect(page.get_by_text("Step 5 of 8", exact=True)).to_be_visible()  # where they left off


def answer_red_flags(page: Page, yes: set[str]) -> None:
    for flag in q.RED_FLAGS_ASKED:
        group = page.get_by_role("group", name=flag.question)
        group.get_by_label("Yes" if flag.key in yes else "No", exact=True).tap()


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_saddle_numbness_shows_urgent_advice_at_once_and_the_practitioner_decides(
    page: Page, live_server, app, make_user, make_patient
):
    os.makedirs(os.path.dirname(SHOTS) or ".", exist_ok=True)
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    patient = make_patient(first_name="Rosa", last_name="Nakamura")
    link = link_at_the_red_flag_step(app, patient)

    # The patient, on their phone, at step 5.
    page.set_viewport_size(PHONE)
    open_red_flag_step(page, f"{live_server}{link}/{q.RED_FLAGS}", patient)
    answer_red_flags(page, {"saddle_numbness"})
    page.get_by_role("button", name="Save and continue").tap()

    expect(page.get_by_role("heading", name="Please get help now")).to_be_visible()
    expect(page.get_by_text("Go to an emergency department now, or call 911.")).to_be_visible()
    call = page.get_by_role("link", name="Call 911")
    expect(call).to_have_attribute("href", "tel:911")
    assert call.bounding_box()["height"] >= 44
    assert no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}-urgent-advice.png", full_page=True)

    carry_on = page.get_by_role("link", name="Continue the questionnaire")
    assert carry_on.bounding_box()["height"] >= 24
    carry_on.tap()
    expect(page.get_by_text("Step 6 of 8", exact=True)).to_be_visible()
    page.get_by_role("link", name="Back").tap()
    expect(
        page.get_by_role("group", name=q.RED_FLAGS_ASKED[1].question).get_by_label("Yes", exact=True)
    ).to_be_checked()  # the answers are kept

    # The rest of the questionnaire, then submit (the remaining steps saved as the patient would).
    from intake.extensions import db
    from intake.patients.models import Patient
    from intake.questionnaire import operations
    from intake.questionnaire.models import Intake
    from tests.fixtures.questionnaire import default_answers

    with app.app_context():
        intake = db.session.scalars(db.select(Intake).where(Intake.patient_id == patient.id)).one()
        answers = default_answers(db.session.get(Patient, patient.id))
        operations.save_step(intake, q.HEALTH, answers[q.HEALTH])
        operations.record_consent(
            intake,
            full_name="Rosa Nakamura",
            signature_path=None,
            signature_typed="Rosa Nakamura",
            version="test-1",
            text="Consent text used in tests.",
            client_ip="127.0.0.1",
        )
        db.session.commit()
    page.goto(f"{live_server}{link}/review")
    page.get_by_role("button", name="Submit my answers").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # Front desk: the chart says there are alerts for the practitioner, not what they are.
    page.set_viewport_size({"width": 1024, "height": 900})
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    # The chart's header says it in one line; opened, the banner says no more than that.
    expect(page.locator("details.chart-alerts > summary")).to_contain_text(
        "Alerts for the practitioner: needs a practitioner before treatment"
    )
    page.locator("details.chart-alerts > summary").click()
    expect(page.get_by_text("Alerts for the practitioner: this patient needs a practitioner")).to_be_visible()
    expect(page.get_by_text("saddle numbness")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-chart-front-desk.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()

    # The practitioner: the red flag on the chart, not decided yet, with the way to decide.
    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.locator("details.chart-alerts > summary")).to_contain_text("1 red flag (1 not decided)")
    page.locator("details.chart-alerts > summary").click()
    flag = page.locator('[data-alert-code="red_flag_saddle_numbness"]')
    expect(flag).to_contain_text("Red flag: saddle numbness — refer before treating")
    expect(flag).to_contain_text("Not decided yet")
    page.screenshot(path=f"{SHOTS}-chart-undecided.png", full_page=True)
    flag.get_by_role("link", name="Record a decision").click()

    expect(page.get_by_role("heading", name="Record a decision")).to_be_visible()
    page.get_by_label("Referred — to whom and when").check()
    page.get_by_label("Referred to (for a referral)").fill("Royal Alexandra Hospital emergency department")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#referred_on-error")).to_be_visible()  # beside its field, typed kept
    expect(page.get_by_label("Referred to (for a referral)")).to_have_value(
        "Royal Alexandra Hospital emergency department"
    )
    page.screenshot(path=f"{SHOTS}-decision-form-refused.png", full_page=True)
    with app.app_context():
        referred_on = clinic_today().isoformat()
    page.get_by_label("Date of the referral").fill(referred_on)
    page.get_by_label("Reason (required to clear or set aside; optional for a referral)").fill(
        "Sent the same day; patient agreed to go by taxi"
    )
    button = page.get_by_role("button", name="Record the decision")
    assert button.bounding_box()["height"] >= 44
    page.screenshot(path=f"{SHOTS}-decision-form.png", full_page=True)
    button.click()
    expect(page.get_by_text("Decision recorded: referred.")).to_be_visible()

    page.goto(f"{live_server}/patients/{patient.id}")
    expect(flag).to_contain_text("Referred to Royal Alexandra Hospital emergency department on")
    expect(flag).to_contain_text("Mei Chen, R.Ac")
    page.screenshot(path=f"{SHOTS}-chart-decided.png", full_page=True)


def test_the_urgent_advice_needs_no_script(browser: Browser, live_server, app, make_patient):
    patient = make_patient()
    link = link_at_the_red_flag_step(app, patient)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, has_touch=True)
    page = context.new_page()
    try:
        open_red_flag_step(page, f"{live_server}{link}/{q.RED_FLAGS}", patient)
        answer_red_flags(page, {"fever"})
        page.get_by_role("button", name="Save and continue").tap()
        expect(page.get_by_role("heading", name="Please check with a doctor")).to_be_visible()
        expect(page.get_by_role("link", name="Call Health Link 811")).to_have_attribute("href", "tel:811")
        assert no_sideways_scroll(page)
        page.screenshot(path=f"{SHOTS}-see-a-doctor-no-script.png", full_page=True)
    finally:
        context.close()
