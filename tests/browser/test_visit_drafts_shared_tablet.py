"""On a shared tablet: unsent drafts are kept per author, sent on "Sign out", and never shown to anyone else."""

import json

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from intake.extensions import db
from intake.visits.models import Visit
from intake.visits.note_record import read_note
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def sign_in(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def edit_url(live_server, visit) -> str:
    return f"{live_server}/patients/{visit.patient_id}/visits/{visit.id}/edit"


def draft_key(user, visit) -> str:
    return f"intake.visit-draft.{user.id}.{visit.id}"


def kept(page: Page, key: str) -> dict | None:
    value = page.evaluate("key => window.localStorage.getItem(key)", key)
    return json.loads(value) if value else None


def stored(app, visit) -> dict:
    with app.app_context():
        return read_note(db.session.get(Visit, visit.id))


def type_offline_and_close(context: BrowserContext, page: Page, live_server, visit, tongue: str) -> None:
    """Type on the note while the Wi-Fi is down, then close the tab: the draft stays in the browser."""
    page.goto(edit_url(live_server, visit))
    context.set_offline(True)
    page.get_by_label("Tongue").fill(tongue)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Offline", timeout=15000)
    page.close()
    context.set_offline(False)


def test_sign_out_sends_kept_drafts_and_removes_them(
    context: BrowserContext, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    page = context.new_page()
    sign_in(page, live_server, user)
    type_offline_and_close(context, page, live_server, visit, "Pale, teeth marks")

    page = context.new_page()
    page.goto(f"{live_server}/patients/")
    assert kept(page, draft_key(user, visit))["fields"]  # kept under the author's id and the visit
    assert stored(app, visit)["tongue"] == ""
    page.screenshot(path="test-results/visit-draft-before-sign-out-768.png")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert stored(app, visit)["tongue"] == "Pale, teeth marks"
    assert kept(page, draft_key(user, visit)) is None  # the server holds it now


def test_an_unsent_draft_waits_for_its_author_and_is_never_shown_to_the_next_user(
    context: BrowserContext, live_server, app, make_user, make_patient, make_visit
):
    mei = make_user(role="practitioner", full_name="Mei Chen")
    sam = make_user(role="practitioner", full_name="Sam Taylor")
    meis_visit = make_visit(make_patient(), mei)
    sams_visit = make_visit(make_patient(), sam)
    page = context.new_page()
    sign_in(page, live_server, mei)
    type_offline_and_close(context, page, live_server, meis_visit, "Red, yellow coat")
    context.clear_cookies()  # Mei's session ends while the draft is unsent (an idle timeout, a dead battery)

    page = context.new_page()
    sign_in(page, live_server, sam)
    # A copy of Mei's typing that names Sam's visit must not appear on Sam's note either.
    page.evaluate(
        "([key, value]) => window.localStorage.setItem(key, value)",
        [
            draft_key(mei, sams_visit),
            json.dumps(
                {
                    "userId": str(mei.id),
                    "visitId": str(sams_visit.id),
                    "url": f"/patients/{sams_visit.patient_id}/visits/{sams_visit.id}/autosave",
                    "version": "1",
                    "fields": [["tongue", "Mei's words"]],
                    "keptAt": "2020-01-01T00:00:00Z",
                }
            ),
        ],
    )
    page.goto(edit_url(live_server, sams_visit))
    expect(page.get_by_label("Tongue")).to_have_value("")
    page.screenshot(path="test-results/visit-draft-other-user-768.png")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert stored(app, sams_visit)["tongue"] == ""
    assert stored(app, meis_visit)["tongue"] == ""  # Sam's pages never send Mei's draft...
    assert kept(page, draft_key(mei, meis_visit))["fields"]  # ...nor remove it

    sign_in(page, live_server, mei)
    page.goto(edit_url(live_server, meis_visit))
    expect(page.get_by_label("Tongue")).to_have_value("Red, yellow coat")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    assert stored(app, meis_visit)["tongue"] == "Red, yellow coat"
    assert kept(page, draft_key(mei, meis_visit)) is None


def test_a_draft_left_by_the_previous_version_is_adopted_by_the_note(
    page: Page, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    sign_in(page, live_server, user)
    page.goto(edit_url(live_server, visit))
    # What the earlier autosave kept: the whole form, under the visit id alone.
    page.evaluate(
        """key => {
            const pairs = [];
            new FormData(document.getElementById("visit-note")).forEach((value, name) => {
                if (name !== "csrf_token" && name !== "version") pairs.push([name, name === "pulse" ? "Wiry" : value]);
            });
            window.localStorage.setItem(key, JSON.stringify({version: "1", fields: pairs, keptAt: new Date().toISOString()}));
        }""",
        f"intake.visit-draft.{visit.id}",
    )
    page.reload()
    expect(page.get_by_label("Pulse")).to_have_value("Wiry")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    assert stored(app, visit)["pulse"] == "Wiry"
    assert kept(page, f"intake.visit-draft.{visit.id}") is None
