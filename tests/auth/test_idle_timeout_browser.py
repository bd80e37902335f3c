"""On a shared tablet, in a real browser: the idle warning, "Stay signed in", and the sign-out."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def test_idle_tablet_warns_then_returns_to_sign_in_and_back_shows_no_patient(
    app, page: Page, live_server, make_user, make_patient
):
    app.config.update(SESSION_IDLE_TIMEOUT=8, SESSION_IDLE_WARNING=5)
    user = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("heading", name="Okafor, Margaret")).to_be_visible()

    # A few seconds in, the warning offers to stay; staying keeps the chart open past the first deadline.
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=6000)
    stay = page.get_by_role("button", name="Stay signed in")
    assert stay.bounding_box()["height"] >= 44
    page.screenshot(path="test-results/idle-warning-768.png")
    stay.click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(4000)
    expect(page.get_by_role("heading", name="Okafor, Margaret")).to_be_visible()

    # Left alone, the tablet goes back to the sign-in page on its own.
    expect(warning).to_be_visible(timeout=6000)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=12000)
    expect(page.get_by_text("You were signed out after 8 seconds without activity")).to_be_visible()
    assert "Okafor" not in page.content()
    page.screenshot(path="test-results/idle-signed-out-768.png")

    # The back button shows no patient data either.
    page.go_back()
    page.wait_for_load_state()
    assert "Okafor" not in page.content()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path="test-results/idle-back-button-768.png")
