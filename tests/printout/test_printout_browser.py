"""On a 768x1024 touch tablet: a practitioner prints a chart as a PDF from the chart page; a reversed range is said
beside its field; front desk is not offered the printout."""

import io
import os
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join("test-results", "printout")  # screenshots to look at


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_practitioner_prints_the_chart_and_a_reversed_range_is_said_beside_its_field(
    page: Page, live_server, make_user, make_patient, record_pain
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    record_pain(patient, {"lower_back_l": 6}, recorded_at=datetime(2025, 3, 3, 16, 30, tzinfo=UTC))

    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    section = page.get_by_role("region", name="Printed chart")
    section.scroll_into_view_if_needed()
    action = section.get_by_role("link", name="Print chart (PDF)")
    box = action.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    action.click()

    expect(page.get_by_role("heading", name="Print chart (PDF)")).to_be_visible()
    page.get_by_label("Between two dates").check()
    page.get_by_label("From").fill("2025-05-01")
    page.get_by_label("To", exact=True).fill("2025-04-01")
    page.get_by_role("button", name="Download the chart as a PDF").click()
    expect(page.locator("#end-error")).to_have_text("The last date must be on or after the first date.")
    expect(page.get_by_label("From")).to_have_value("2025-05-01")  # what was typed is kept
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for name in ("Download the chart as a PDF",):
        button = page.get_by_role("button", name=name).bounding_box()
        assert button is not None and button["height"] >= 44
    page.screenshot(path=f"{SHOTS}-reversed-range.png", full_page=True)

    page.get_by_label("The whole chart").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the chart as a PDF").click()
    assert download.value.suggested_filename.startswith(f"chart-{patient.chart_number}-")
    assert "Okafor" not in download.value.suggested_filename
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(page_.extract_text() or "" for page_ in reader.pages)
    assert "Okafor, Margaret" in text and patient.chart_number in text

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("heading", name="Okafor, Margaret")).to_be_visible()
    expect(page.get_by_role("region", name="Printed chart")).to_have_count(0)
