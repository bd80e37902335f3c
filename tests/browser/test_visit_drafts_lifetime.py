"""How long a tablet keeps a visit-note draft, and how autosave behaves when saves keep failing.

- A failed save is retried a few times, each wait longer, marked as a retry (the server does not
  count it as activity), then autosave stops and says "Not saved — check your connection".
- Drafts kept more than 24 hours ago are removed from the tablet, whoever wrote them.
- "Sign out" removes every draft of the person signing out, even one the server refused.
"""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.test_visit_drafts_shared_tablet import draft_key, edit_url, kept, sign_in

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

GAVE_UP = "Not saved — check your connection"


def _draft(user, visit, kept_at: datetime) -> str:
    return json.dumps(
        {
            "userId": str(user.id),
            "visitId": str(visit.id),
            "url": f"/patients/{visit.patient_id}/visits/{visit.id}/autosave",
            "version": "1",
            "fields": [["tongue", "Pale"]],
            "keptAt": kept_at.isoformat().replace("+00:00", "Z"),
        }
    )


def _put(page: Page, key: str, value: str) -> None:
    page.evaluate("([key, value]) => window.localStorage.setItem(key, value)", [key, value])


def _wait_for(page: Page, condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)  # lets Playwright answer the page's requests meanwhile


def test_failed_saves_back_off_then_stop_and_say_so(
    page: Page, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    page.clock.install()
    sign_in(page, live_server, user)
    page.goto(edit_url(live_server, visit))
    saves: list[dict] = []

    def broken_proxy(route: Route) -> None:
        saves.append(route.request.headers)
        route.fulfill(status=502, content_type="text/html", body="<h1>Bad gateway</h1>")

    page.route("**/autosave", broken_proxy)
    status = page.locator("[data-autosave-status]")

    def answered() -> bool:
        """The page has handled the last failed answer (so its next retry is timed from now, not later)."""
        return status.get_attribute("data-state") != "pending"

    page.get_by_label("Tongue").fill("Pale, teeth marks")
    page.clock.run_for(3000)
    _wait_for(page, lambda: len(saves) == 1 and answered())
    expect(status).to_contain_text("Not saved")
    # Each save leaves within the last clock step (up to a second before it ended) and the next retry is timed from
    # when its answer came back, so each window is checked a second and a half early and closed half a second late.
    for retries, wait_ms in enumerate((10_000, 30_000, 90_000), start=1):
        page.clock.run_for(wait_ms - 1500)
        page.wait_for_timeout(200)
        assert len(saves) == retries, "retried too soon"
        page.clock.run_for(2000)
        _wait_for(page, lambda n=1 + retries: len(saves) == n and answered())
    expect(status).to_contain_text(GAVE_UP)
    page.clock.run_for(5 * 60_000)
    page.wait_for_timeout(300)
    assert len(saves) == 4  # stopped: no retry every 10 s forever
    assert "x-intake-retry" not in saves[0]  # the practitioner's own change
    assert all(headers.get("x-intake-retry") == "1" for headers in saves[1:])
    assert kept(page, draft_key(user, visit))["fields"]  # the typing is still on the tablet

    page.unroute("**/autosave")
    page.get_by_label("Tongue").fill("Pale, teeth marks, wet")  # a new change sends again
    page.clock.run_for(3000)
    expect(status).to_contain_text("Saved", timeout=10000)


def test_drafts_older_than_a_day_are_removed_from_the_tablet(
    page: Page, live_server, make_user, make_patient, make_visit
):
    mei = make_user(role="practitioner", full_name="Mei Chen")
    sam = make_user(role="practitioner", full_name="Sam Taylor")
    patient = make_patient()
    old_visit, recent_visit, sams_visit = (
        make_visit(patient, mei),
        make_visit(patient, mei),
        make_visit(patient, sam),
    )
    sign_in(page, live_server, mei)
    now = datetime.now(UTC)
    _put(page, draft_key(mei, old_visit), _draft(mei, old_visit, now - timedelta(hours=25)))
    _put(page, draft_key(sam, sams_visit), _draft(sam, sams_visit, now - timedelta(hours=25)))
    _put(page, draft_key(mei, recent_visit), _draft(mei, recent_visit, now - timedelta(minutes=5)))
    _put(page, f"intake.visit-draft.{mei.id}.999", "not a draft")

    page.goto(f"{live_server}/patients/")
    assert kept(page, draft_key(mei, old_visit)) is None
    assert kept(page, draft_key(sam, sams_visit)) is None  # whoever wrote it
    assert page.evaluate(f"window.localStorage.getItem('intake.visit-draft.{mei.id}.999')") is None
    assert kept(page, draft_key(mei, recent_visit))["fields"]


def test_sign_out_removes_the_users_drafts_even_one_the_server_refused(
    context: BrowserContext, live_server, make_user, make_patient, make_visit
):
    mei = make_user(role="practitioner", full_name="Mei Chen")
    sam = make_user(role="practitioner", full_name="Sam Taylor")
    patient = make_patient()
    sams_visit = make_visit(patient, sam)
    meis_visit = make_visit(patient, mei)
    page = context.new_page()
    sign_in(page, live_server, mei)
    recent = datetime.now(UTC) - timedelta(minutes=5)
    # Only Sam writes Sam's note: the server refuses this copy, so it is never "saved".
    _put(page, draft_key(mei, sams_visit), _draft(mei, sams_visit, recent))
    _put(page, draft_key(sam, meis_visit), _draft(sam, meis_visit, datetime.now(UTC)))
    page.goto(f"{live_server}/patients/")
    assert kept(page, draft_key(mei, sams_visit))["fields"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert kept(page, draft_key(mei, sams_visit)) is None
    assert kept(page, draft_key(sam, meis_visit))["fields"]  # another person's draft is left for them
