"""In a browser, at tablet width: the chart's progress section and the clinic outcomes report read plainly."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.outcomes.conftest import EPISODE_START
from tests.outcomes.test_report import _clinic

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_practitioner_reads_progress_on_the_chart_and_the_clinic_report(
    page: Page, live_server, make_user, make_patient, make_episode, treat
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    _clinic(make_patient, make_episode, treat, practitioner)
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    make_episode(patient)
    for n, before in enumerate((7, 6, 6, 5, 4, 3)):
        treat(patient, practitioner, EPISODE_START + timedelta(days=7 * n, hours=1), {"lower_back_c": before},
              {"lower_back_c": max(before - 2, 0)}, lumbar_flexion_degrees=40 + 4 * n)  # fmt: skip
    page.set_viewport_size({"width": 768, "height": 1024})
    _sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    section = page.locator(".outcomes-chart-section")
    expect(section).to_contain_text(
        "Lower back pain fell from 7 to 3 over 6 visits — a meaningful improvement."
    )
    section.screenshot(path="/tmp/y13-chart-section.png")
    page.get_by_role("link", name="Progress summary").click()
    expect(page.get_by_role("heading", name="Progress summary: Lower back")).to_be_visible()
    page.screenshot(path="/tmp/y13-progress.png", full_page=True)
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_text("7 patients, 7 episodes.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path="/tmp/y13-report.png", full_page=True)
    page.get_by_label("Treatment").select_option("massage")
    page.get_by_role("button", name="Show outcomes").click()
    expect(page.get_by_text("No episodes of care match these filters.")).to_be_visible()
