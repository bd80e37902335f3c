"""On a tablet and a phone: a search by the first digits many patients' phones share, paged in name order."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SURNAMES = [f"Family{n:02d}" for n in range(30)]


def test_front_desk_pages_through_a_shared_exchange_in_name_order(
    page: Page, app, live_server, make_user, make_patient
):
    app.config["PATIENT_LIST_WALK_FROM"] = 5  # many matches: the page is read in list order, sifting by phone
    user = make_user(role="front_desk")
    for n, surname in enumerate(reversed(SURNAMES)):
        make_patient(last_name=surname, phone=f"780-555-{n:04d}")
    make_patient(last_name="Elsewhere", phone="403-555-0101")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/patients/")
    page.get_by_label("Search by name, phone, date of birth or chart number").fill("780 555")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("30 patients matching “780 555”.")).to_be_visible()
    names = page.locator("a.row-link")
    expect(names).to_have_count(25)
    assert [text.split(",")[0] for text in names.all_inner_texts()] == SURNAMES[:25]
    expect(page.get_by_text("Elsewhere")).to_have_count(0)
    page.screenshot(path="test-results/patient-phone-search-768.png", full_page=True)

    next_page = page.get_by_role("link", name="Next page")
    assert next_page.bounding_box()["height"] >= 24
    next_page.click()
    assert [text.split(",")[0] for text in names.all_inner_texts()] == SURNAMES[25:]
    expect(page.get_by_label("Search by name, phone, date of birth or chart number")).to_have_value("780 555")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-results/patient-phone-search-390.png", full_page=True)
    page.get_by_role("link", name="Family29, ", exact=False).click()
    expect(page.get_by_role("heading", name="Family29", exact=False)).to_be_visible()
