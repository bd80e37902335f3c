"""On a tablet: sign in, add a patient, find them by search."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def test_front_desk_adds_a_patient_and_finds_them(page: Page, live_server, make_user, make_patient):
    user = make_user(role="front_desk", full_name="Jordan Lee")
    make_patient(first_name="Tyler", last_name="Bergstrom")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()

    page.get_by_role("link", name="Add a patient").click()
    page.get_by_label("First name").fill("Margaret")
    page.get_by_label("Last name").fill("Okafor")
    born = page.get_by_role("group", name="Date of birth")  # day, month and year, no calendar
    born.get_by_label("Day").fill("12")
    born.get_by_label("Month").select_option("4")
    born.get_by_label("Year").fill("1961")
    page.get_by_label("Phone", exact=True).fill("780-555-0142")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_role("heading", name="Okafor, Margaret")).to_be_visible()

    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Search by name, phone, date of birth or chart number").fill("okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Okafor, Margaret")).to_be_visible()
    expect(page.get_by_text("Bergstrom")).to_have_count(0)

    # Touch targets on the tablet are at least 44 px tall.
    for name in ("Search", "Add a patient"):
        box = page.get_by_role("button" if name == "Search" else "link", name=name).bounding_box()
        assert box["height"] >= 44
    page.screenshot(path="test-results/patient-search-768.png", full_page=True)
