"""On a 768x1024 touch tablet (and a phone): front desk emails a patient's intake link from the chart, sees it sent,
plans the next visit; a malformed address is said beside the field."""

import os

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.reminders.smtp_server import smtp_server

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join(os.environ.get("SCREENSHOT_DIR", "test-results"), "reminders")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def assert_tap_target(locator, minimum: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= minimum and box["width"] >= minimum, box


@pytest.mark.parametrize("width, height", [(768, 1024), (390, 844)])
def test_front_desk_emails_the_intake_link_from_the_chart(
    app, page: Page, live_server, make_user, make_patient, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    patient = make_patient(first_name="Margaret", last_name="Okafor", email="margaret@example.org")
    with smtp_server() as (mailbox, settings):
        app.config.update(settings)
        sign_in(page, live_server, desk.email)
        page.goto(f"{live_server}/patients/{patient.id}")
        section = page.get_by_role("region", name="Messages and next visit")
        section.scroll_into_view_if_needed()
        address = section.get_by_label("Email address")
        expect(address).to_have_value("margaret@example.org")
        send = section.get_by_role("button", name="Send link by email")
        assert_tap_target(send, 44)
        assert_tap_target(section.get_by_label("Also save this address on the chart"), 24)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        section.screenshot(path=f"{SHOTS}-chart-{width}.png")

        address.fill("margaret.okafor")
        send.click()
        expect(page.locator("#address-error")).to_contain_text("This is not an email address")
        expect(page.get_by_label("Email address")).to_have_value("margaret.okafor")
        page.screenshot(path=f"{SHOTS}-bad-address-{width}.png", full_page=True)

        page.get_by_label("Email address").fill("margaret@example.org")
        page.get_by_role("button", name="Send link by email").click()
        expect(page.get_by_text("Email sent to margaret@example.org.")).to_be_visible()
        link = page.get_by_label("Link for the patient").input_value()
        assert link in mailbox.bodies()[0]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=f"{SHOTS}-sent-{width}.png", full_page=True)

        page.get_by_role("link", name="Done — back to the chart").click()
        section = page.get_by_role("region", name="Messages and next visit")
        expect(section.get_by_text("Intake link to margaret@example.org")).to_be_visible()
        section.get_by_label("Date of the next visit").fill("2099-01-01")
        section.get_by_role("button", name="Plan next visit").click()
        expect(page.locator("#visit_on-error")).to_contain_text("Plan a visit within a year")
        page.screenshot(path=f"{SHOTS}-plan-refused-{width}.png", full_page=True)


def test_without_mail_settings_the_button_says_so(page: Page, live_server, make_user, make_patient):
    desk = make_user(role="front_desk")
    patient = make_patient(email="margaret@example.org")
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    section = page.get_by_role("region", name="Messages and next visit")
    button = section.get_by_role("button", name="Send by email — email is not set up")
    expect(button).to_be_disabled()
    section.screenshot(path=f"{SHOTS}-not-set-up.png")
