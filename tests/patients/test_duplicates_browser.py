"""On a tablet: the possible-duplicate warning keeps the form, opens the match beside it; an admin merges."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def _sign_in(page: Page, live_server: str, user) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_front_desk_sees_the_possible_duplicate_and_creates_anyway(
    page: Page, live_server, make_user, make_patient
):
    existing = make_patient(
        first_name="Margaret", last_name="Okafor", preferred_name="Maggie", date_of_birth=date(1961, 4, 12)
    )
    _sign_in(page, live_server, make_user(role="front_desk"))
    page.goto(f"{live_server}/patients/new")
    page.get_by_label("First name").fill("Maggie")
    page.get_by_label("Last name").fill("O'Kafor")
    born = page.get_by_role("group", name="Date of birth")  # day, month and year, no calendar
    born.get_by_label("Day").fill("12")
    born.get_by_label("Month").select_option("4")
    born.get_by_label("Year").fill("1961")
    page.get_by_label("Phone", exact=True).fill("587-555-0199")
    page.get_by_role("button", name="Save patient").click()

    warning = page.get_by_role("alert").filter(has_text="This may be a patient who already has a chart")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(existing.chart_number)
    expect(page.get_by_label("Last name")).to_have_value("O'Kafor")  # what was typed is kept
    open_link = page.get_by_role("link", name=f"Open chart {existing.chart_number} in a new tab")
    for name in (f"Open chart {existing.chart_number} in a new tab", f"Use chart {existing.chart_number}"):
        assert page.get_by_role("link", name=name).bounding_box()["height"] >= 44
    page.screenshot(path="/tmp/b12-duplicate-warning.png", full_page=True)

    with page.context.expect_page() as opened:
        open_link.click()
    beside = opened.value
    expect(beside.get_by_role("heading", name="Okafor, Margaret (Maggie)")).to_be_visible()
    beside.close()
    expect(page.get_by_label("First name")).to_have_value("Maggie")

    page.get_by_role("button", name="Create a new chart anyway").first.click()
    expect(page.get_by_role("heading", name="O'Kafor, Maggie")).to_be_visible()


def test_an_administrator_previews_and_merges_two_charts(page: Page, live_server, make_user, make_patient):
    kept = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=date(1961, 4, 12))
    duplicate = make_patient(first_name="Maggie", last_name="Okafor", date_of_birth=date(1961, 4, 12))
    _sign_in(page, live_server, make_user(role="admin"))
    page.goto(f"{live_server}/patients/{duplicate.id}")
    page.get_by_text("More", exact=True).click()
    page.get_by_role("link", name="Merge this chart into another…").click()
    expect(page.get_by_label("Duplicate chart (archived by the merge)")).to_have_value(duplicate.chart_number)
    page.get_by_label("Chart to keep (everything moves here)").fill(kept.chart_number)
    page.get_by_role("button", name="Show what the merge moves").click()
    expect(
        page.get_by_role("heading", name=f"Merge {duplicate.chart_number} into {kept.chart_number}?")
    ).to_be_visible()
    page.screenshot(path="/tmp/b12-merge-preview.png", full_page=True)
    confirm = page.get_by_role("button", name=f"Merge {duplicate.chart_number} into {kept.chart_number}")
    assert confirm.bounding_box()["height"] >= 44
    confirm.click()
    expect(
        page.get_by_text(f"Chart {duplicate.chart_number} of the same person was merged into this chart")
    ).to_be_visible()
    page.goto(f"{live_server}/patients/{duplicate.id}")
    expect(page.get_by_text(f"This chart was merged into chart {kept.chart_number}")).to_be_visible()
    page.screenshot(path="/tmp/b12-merged-chart.png", full_page=True)


def test_archive_sits_under_more_and_asks_first(page: Page, live_server, make_user, make_patient):
    patient = make_patient(first_name="Lena", last_name="Moreau")
    _sign_in(page, live_server, make_user(role="front_desk"))
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("link", name="Archive patient…")).to_be_hidden()
    page.get_by_text("More", exact=True).click()
    page.get_by_role("link", name="Archive patient…").click()
    expect(
        page.get_by_text("Nothing is deleted, and you can restore the patient at any time")
    ).to_be_visible()
    page.screenshot(path="/tmp/b12-archive-confirm.png", full_page=True)
    page.get_by_role("button", name="Archive Lena Moreau").click()
    expect(page.get_by_role("button", name="Restore patient")).to_be_visible()
