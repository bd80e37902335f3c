"""On a 768x1024 touch tablet: while the patient types, the questionnaire stays open; left alone
past the inactivity limit, it goes to "Continue" and the date of birth, and comes back after it."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

#: Short enough to wait for, long enough that a loaded machine's slow keystrokes never look like a tablet left alone.
IDLE_SECONDS = 8


def test_a_tablet_left_alone_hides_the_questionnaire_and_typing_keeps_it_open(
    page: Page, app, live_server, make_user, make_patient
):
    app.config["INTAKE_KIOSK_IDLE_MINUTES"] = IDLE_SECONDS / 60
    practitioner = make_user(role="practitioner")
    patient = make_patient(first_name="Agnes", last_name="Idleton", date_of_birth=date(1961, 5, 17))
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(practitioner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/patients/{patient.id}/intakes/start")
    page.get_by_role("button", name="Sign me out and hand the tablet to the patient").click()
    expect(page.get_by_text("Step 1 of 8", exact=True)).to_be_visible()

    # Typing for longer than the limit: the page stays, and the server was told (so a save would go through).
    field = page.get_by_label("Emergency contact name")
    for letter in "Daniel Okafor":
        field.press_sequentially(letter)
        page.wait_for_timeout(1000)
    expect(page).to_have_url(f"{live_server}/kiosk/contact")

    # Left alone: the questionnaire goes behind "Continue" and the date of birth.
    expect(page.get_by_role("heading", name="Continue your questionnaire")).to_be_visible(
        timeout=(IDLE_SECONDS + 3) * 1000
    )
    expect(page.get_by_text("Idleton")).to_have_count(0)
    born = page.get_by_role("group", name="Your date of birth")  # day, month and year, no calendar
    born.get_by_label("Day").fill("17")
    born.get_by_label("Month").select_option("5")
    born.get_by_label("Year").fill("1961")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 1 of 8", exact=True)).to_be_visible()
