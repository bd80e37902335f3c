"""On a 768x1024 tablet the chart opens on the role's next action: the main action is in the first screen for a
practitioner and for front desk, the patient's header stays on screen while the chart scrolls, and the index jumps
between the chart's parts. Screenshots at 390, 768 and 1280 px are saved in test-results/ to look at."""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SHOTS = os.path.join("test-results", "chart-layout")
TABLET = {"width": 768, "height": 1024}


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def long_chart(make_user, make_patient, make_submitted_intake, make_treatment_history):
    """A patient a colleague has treated a dozen times, with a red flag and a precaution on the latest intake."""
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    colleague = make_user(role="practitioner", full_name="Ravi Singh", designation="RMT")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    make_submitted_intake(patient, saddle_numbness=True, pacemaker=True)
    make_treatment_history(patient, colleague, visits=12)
    return practitioner, patient


def _assert_header_stays_on_screen(page: Page) -> None:
    header = page.locator("header.chart-head")
    assert header.evaluate("element => getComputedStyle(element).position") == "sticky"
    page.locator("#chart-who-has_looked, .chart-part").last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 500
    box = header.bounding_box()
    assert box is not None and -1 <= box["y"] <= 1 and box["height"] < 200
    expect(header.get_by_role("heading", name="Okafor, Margaret")).to_be_in_viewport()


def test_a_practitioner_finds_the_visit_note_in_the_first_screen(page: Page, live_server, long_chart):
    practitioner, patient = long_chart
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")

    actions = page.get_by_role("group", name="Main actions")
    start = actions.get_by_role("button", name="Start a visit note")
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] < TABLET["height"] and box["height"] >= 44
    check_in = actions.get_by_role("link", name="Record a check-in")
    assert check_in.bounding_box()["y"] < TABLET["height"]

    # The alerts are one line that opens to the banner with every red flag and precaution.
    alerts = page.locator("details.chart-alerts")
    line = alerts.locator("summary")
    expect(line).to_have_text("Alerts: 1 red flag (1 not decided), 1 precaution — show")
    assert line.bounding_box()["height"] < 60
    expect(alerts.get_by_text("Red flag:", exact=False)).to_be_hidden()
    line.tap()
    expect(alerts.get_by_text("Red flag:", exact=False)).to_be_visible()
    line.tap()

    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 1024 if width < 1280 else 800})
        page.screenshot(path=f"{SHOTS}-practitioner-{width}.png")
        page.screenshot(path=f"{SHOTS}-practitioner-{width}-full.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size(TABLET)

    _assert_header_stays_on_screen(page)

    # The index jumps to a part, which lands below the header that stays on screen.
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("navigation", name="Parts of this chart").get_by_role("link", name="Visits").tap()
    heading = page.get_by_role("heading", name="Visits", exact=True)
    expect(heading).to_be_in_viewport()
    header_box = page.locator("header.chart-head").bounding_box()
    assert heading.bounding_box()["y"] >= header_box["y"] + header_box["height"]

    start.tap()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.id}/visits/\d+/edit$"))
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("link", name="Continue today's visit note")).to_be_in_viewport()


def test_front_desk_finds_the_intake_link_in_the_first_screen(page: Page, live_server, long_chart, make_user):
    _practitioner, patient = long_chart
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, desk.email)
    page.goto(f"{live_server}/patients/{patient.id}")

    actions = page.get_by_role("group", name="Main actions")
    send = actions.get_by_role("button", name="Send intake link")
    box = send.bounding_box()
    assert box is not None and box["y"] + box["height"] < TABLET["height"] and box["height"] >= 44
    edit = actions.get_by_role("link", name="Edit details")
    assert edit.bounding_box()["y"] < TABLET["height"]
    expect(page.locator("details.chart-alerts summary")).to_have_text(
        "Alerts for the practitioner: needs a practitioner before treatment — show"
    )
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 1024 if width < 1280 else 800})
        page.screenshot(path=f"{SHOTS}-front-desk-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size(TABLET)
    _assert_header_stays_on_screen(page)


def test_the_audit_log_reads_in_words_without_sideways_scroll_on_a_tablet(
    page: Page, live_server, long_chart, make_user
):
    practitioner, patient = long_chart
    admin = make_user(role="admin", full_name="Ada Admin")
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server}/audit/?chart_number={patient.chart_number}")
    expect(page.get_by_text("Opened the chart").first).to_be_visible()
    expect(page.get_by_text("Okafor, Margaret").first).to_be_visible()
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 1024})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"{SHOTS}-audit-{width}.png")


def test_region_trend_charts_are_tall_enough_to_read_on_a_tablet(page: Page, live_server, long_chart):
    practitioner, patient = long_chart
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server}/patients/{patient.id}/pain/")
    charts = page.locator(".pain-region svg.trend-chart")
    assert charts.count() >= 2
    for n in range(charts.count()):
        box = charts.nth(n).bounding_box()
        assert box is not None and box["height"] >= 160, box
    # Axis labels as drawn on screen: their rendered height, not the number in the markup.
    label_heights = charts.first.locator(".trend-chart__axis text").evaluate_all(
        "texts => texts.map(text => text.getBoundingClientRect().height)"
    )
    assert label_heights and min(label_heights) >= 12, label_heights
    font_px = charts.first.locator(".trend-chart__axis text").first.evaluate(
        "text => text.getBoundingClientRect().height / text.getBBox().height * parseFloat(getComputedStyle(text).fontSize)"
    )
    assert font_px >= 12
    # The legend sits beside the charts, level with the first one.
    legend = page.locator(".pain-section:has(> .pain-regions) > .marks-legend").bounding_box()
    first = charts.first.bounding_box()
    assert legend["x"] >= first["x"] + first["width"] and legend["y"] < first["y"] + first["height"]
    page.locator(".pain-regions").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}-pain-regions-768.png")

    page.goto(f"{live_server}/patients/{patient.id}/pain/table")
    scroller = page.locator('div.table-scroll--cue[role=region][tabindex="0"]')
    scroller.focus()
    expect(scroller).to_be_focused()
    page.screenshot(path=f"{SHOTS}-pain-table-768.png")
