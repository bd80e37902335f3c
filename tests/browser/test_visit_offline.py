"""When the Wi-Fi drops mid-note, nothing typed is lost: it is sent when the link is back."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from intake.extensions import db
from intake.visits.models import Visit
from intake.visits.note_record import read_note
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def open_draft(page: Page, live_server, user, visit):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today
    url = f"{live_server}/patients/{visit.patient_id}/visits/{visit.id}/edit"
    page.goto(url)
    return url


def stored(app, visit):
    with app.app_context():
        return read_note(db.session.get(Visit, visit.id))


def kept_in_browser(page: Page, visit) -> str | None:
    key = f"intake.visit-draft.{visit.practitioner_id}.{visit.id}"  # kept under its author's id
    return page.evaluate(f"window.localStorage.getItem('{key}')")


def test_typing_while_offline_reaches_the_server_when_back_online(
    page: Page, context: BrowserContext, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    open_draft(page, live_server, user, visit)
    status = page.locator("[data-autosave-status]")
    report = page.get_by_label("What the patient reports")

    report.press_sequentially("Slept better. ")
    expect(status).to_contain_text("Saved", timeout=15000)
    assert stored(app, visit)["patient_report"] == "Slept better."

    context.set_offline(True)
    report.press_sequentially("Bent to tie shoes without pain.")
    page.get_by_label("Needles inserted").fill("8")
    expect(status).to_contain_text("Offline", timeout=15000)
    assert "Bent to tie shoes" in kept_in_browser(page, visit)
    page.screenshot(path="test-results/visit-offline-768.png")
    assert stored(app, visit)["patient_report"] == "Slept better."

    context.set_offline(False)
    expect(status).to_contain_text("Saved", timeout=15000)
    note = stored(app, visit)
    assert note["patient_report"] == "Slept better. Bent to tie shoes without pain."
    assert note["needles_inserted"] == 8
    assert kept_in_browser(page, visit) is None  # the browser copy goes once the server has it


def test_a_draft_kept_in_a_closed_tab_is_sent_when_the_note_is_opened_again(
    page: Page, context: BrowserContext, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    url = open_draft(page, live_server, user, visit)
    context.set_offline(True)
    page.get_by_label("Tongue").fill("Pale, teeth marks")
    page.locator("[data-point-rows] [data-point-code]").first.fill("BL23")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Offline", timeout=15000)
    page.close()

    context.set_offline(False)
    again = context.new_page()
    again.goto(url)
    expect(again.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    expect(again.get_by_label("Tongue")).to_have_value("Pale, teeth marks")
    note = stored(app, visit)
    assert note["tongue"] == "Pale, teeth marks"
    assert [p["code"] for p in note["points"]] == ["BL23"]
