"""On a 390x844 phone: a returning patient opens the check-in link the front desk made, answers every step
(a new pacemaker opens its follow-up), sends it and reads the thank-you page with the clinic's phone; the link
then says the form was already sent."""

import os

import pytest
from playwright.sync_api import Page, expect

from intake.questionnaire import check_in_steps as c
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join(os.environ.get("SCREENSHOT_DIR", "test-results"), "check-in")  # screenshots to look at
STEPS = len(c.STEPS)


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def save_and_continue(page: Page, next_step: int) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text(f"Step {next_step} of {STEPS}", exact=True)).to_be_visible()


def test_a_returning_patient_checks_in_on_their_phone(
    browser, live_server, make_user, make_patient, make_submitted_intake
):
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    make_submitted_intake(patient)  # the lower back was scored at intake

    staff = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    desk_page = staff.new_page()
    desk_page.goto(f"{live_server}/login")
    desk_page.get_by_label("Email").fill(desk.email)
    desk_page.get_by_label("Password").fill(PASSWORD)
    desk_page.get_by_role("button", name="Sign in").click()
    desk_page.goto(f"{live_server}/patients/{patient.id}")
    desk_page.get_by_role("button", name="Send check-in link").click()
    expect(desk_page.get_by_role("heading", name="Check-in link for Okafor, Margaret")).to_be_visible()
    link = desk_page.get_by_label("Link for the patient").input_value()
    staff.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(link)
    expect(page.get_by_text(f"Step 1 of {STEPS}", exact=True)).to_be_visible()
    listed = page.get_by_role("group", name="Lower back, centre")
    expect(listed).to_be_visible()
    page.screenshot(path=f"{SHOTS}-1-pain-now.png", full_page=True)
    save_and_continue_refused = page.get_by_role("button", name="Save and continue")
    save_and_continue_refused.click()  # the listed area needs a score: said beside it
    expect(page.get_by_text("Choose how your lower back, centre feels today")).to_be_visible()
    listed.get_by_label("4", exact=True).check()
    save_and_continue(page, 2)

    for item in c.PEG_ITEMS:
        page.get_by_role("group", name=item.question).get_by_label("5", exact=True).check()
    page.screenshot(path=f"{SHOTS}-2-peg.png", full_page=True)
    save_and_continue(page, 3)

    page.get_by_label("How many flare-ups have you had since your last visit?").fill("1")
    answer(page, "How bad was the worst flare-up?", "7")
    save_and_continue(page, 4)

    page.get_by_label("Soreness where I was treated").check()
    page.get_by_label("Feeling better").check()
    save_and_continue(page, 5)

    follow_up = page.get_by_role("group", name="What kind of device?")
    expect(follow_up).to_be_hidden()  # opens only on a yes
    answer(page, "Have you started or stopped any medicine since your last visit?", "No")
    answer(page, "Are you pregnant now, or could you be?", "No")
    answer(page, "Have you had a device implanted since your last visit (such as a pacemaker)?", "Yes")
    expect(follow_up).to_be_visible()
    follow_up.get_by_label("A pacemaker or defibrillator").check()
    for question in ("injury", "surgery", "diagnosis"):
        answer(page, c.CHANGE_BY_KEY[question].question, "No")
    page.screenshot(path=f"{SHOTS}-5-changes.png", full_page=True)
    save_and_continue(page, 6)

    for flag in c.RED_FLAGS_ASKED:
        answer(page, flag.question, "No")
    save_and_continue(page, 7)

    expect(page.get_by_text("A pacemaker or defibrillator")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-7-review.png", full_page=True)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Your check-in has been sent to the clinic.")).to_be_visible()
    expect(page.get_by_role("link", name="780-555-0142")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-thank-you.png", full_page=True)

    page.goto(link)
    expect(
        page.get_by_role("heading", name="This form was already sent to the clinic — thank you")
    ).to_be_visible()
    expect(page.get_by_text("Okafor")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-already-sent.png", full_page=True)
    phone.close()
