"""Front desk types a date of birth in parts on a phone, follows the summary's link to fix it, and saves."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def test_a_birth_date_is_typed_in_parts_and_the_summary_link_lands_on_the_part_to_fix(
    page: Page, live_server, make_user
):
    user = make_user(role="front_desk")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/patients/new")
    page.get_by_label("First name").fill("Margaret")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Phone", exact=True).fill("780-555-0142")
    born = page.get_by_role("group", name="Date of birth")
    expect(born.locator('input[type="date"]')).to_have_count(0)  # no calendar opening at today
    born.get_by_label("Day").fill("31")
    born.get_by_label("Month").select_option(label="February")
    born.get_by_label("Year").fill("1961")
    page.get_by_role("button", name="Save patient").click()

    message = "February 1961 has no day 31; check the day and the month."
    summary = page.get_by_role("alert").filter(has_text="Please fix the highlighted fields.")
    expect(summary).to_be_visible()
    expect(born.get_by_text(message)).to_be_visible()  # beside the field too
    expect(born.get_by_label("Day")).to_have_value("31")
    expect(born.get_by_label("Month")).to_have_value("2")
    expect(born.get_by_label("Year")).to_have_value("1961")
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 1024})
        assert (
            page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        )
        page.screenshot(path=f"test-results/forms-birth-date-{width}.png", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    summary.get_by_role("link", name=message).click()
    expect(born.get_by_label("Day")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("28")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_text("Okafor").first).to_be_visible()
    expect(page.get_by_text("Feb 28, 1961").or_(page.get_by_text("1961-02-28"))).to_be_visible()
