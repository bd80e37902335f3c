"""On a 768x1024 touch tablet: a practitioner downloads a patient's whole record (FHIR R4 JSON) and visits (CSV)
from the chart; front desk is not offered either."""

import json
import os

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join("test-results", "record")  # screenshots to look at


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_practitioner_downloads_the_record_from_the_chart(page: Page, live_server, make_user, make_patient):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    patient = make_patient(first_name="Margaret", last_name="Okafor")

    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    section = page.get_by_role("region", name="Patient's own record")
    expect(section).to_be_visible()
    section.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}-chart.png", full_page=True)
    for name in ("Download the whole record (FHIR R4 JSON)", "Download the visits (CSV)"):
        box = section.get_by_role("link", name=name).bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44

    with page.expect_download() as record:
        section.get_by_role("link", name="Download the whole record (FHIR R4 JSON)").click()
    assert record.value.suggested_filename.startswith(f"record-{patient.chart_number}-")
    bundle = json.loads(open(record.value.path(), encoding="utf-8").read())
    assert bundle["type"] == "collection"
    assert bundle["entry"][0]["resource"]["name"][0]["family"] == "Okafor"

    with page.expect_download() as visits:
        section.get_by_role("link", name="Download the visits (CSV)").click()
    assert visits.value.suggested_filename.startswith(f"visits-{patient.chart_number}-")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("heading", name="Okafor, Margaret")).to_be_visible()
    expect(page.get_by_role("region", name="Patient's own record")).to_have_count(0)
