"""On a tablet: write a visit note with a protocol, the point search and the body map, then sign it."""

import pytest
from playwright.sync_api import Page, expect

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
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today


def score(page: Page, prefix: str, region: str, value: int):
    page.locator(f'fieldset[data-prefix="{prefix}"] path[data-region="{region}"]').tap()
    picker = page.locator(f'fieldset[data-prefix="{prefix}"] .score-picker')
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=str(value), exact=True).tap()
    expect(picker).to_be_hidden()


def test_practitioner_applies_a_protocol_adds_a_point_scores_pain_and_signs(
    page: Page, live_server, app, make_user, make_patient, make_protocol
):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    user = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    make_protocol(user, "Low back — Kidney deficiency", ["BL23", "BL25", "BL40", "GV4", "KI3"])
    sign_in(page, live_server, user)

    page.goto(f"{live_server}/patients/{patient.id}")
    page.get_by_role("button", name="Start a visit note").tap()
    expect(page.get_by_role("heading", name="Visit note: Okafor, Margaret")).to_be_visible()

    # A protocol in one tap, then adjust.
    page.get_by_role("button", name="Apply “Low back — Kidney deficiency”").tap()
    codes = page.locator("[data-point-rows] [data-point-code]")
    for index, code in enumerate(["BL23", "BL25", "BL40", "GV4", "KI3"]):
        expect(codes.nth(index)).to_have_value(code)
    expect(page.locator("[data-point-rows] select[name$='-side']").nth(3)).to_have_value("midline")
    expect(page.locator("[data-point-name]").first).to_have_text("Shenshu · Kidney Shu")

    # Add a point by searching an alias.
    page.get_by_label("Add a point").fill("SJ5")
    result = page.locator('[data-add-point="TE5"]')
    expect(result).to_be_visible()
    assert result.bounding_box()["height"] >= 44
    result.tap()
    expect(codes.nth(5)).to_have_value("TE5")
    expect(page.get_by_label("Add a point")).to_have_value("")

    # Pain before and after on the same screen.
    page.get_by_role("heading", name="Pain before and after treatment").scroll_into_view_if_needed()
    score(page, "pain_before", "lower_back_l", 7)
    score(page, "pain_after", "lower_back_l", 3)
    expect(page.locator("#pain_before-lower_back_l")).to_have_value("7")
    expect(page.locator("#pain_after-lower_back_l")).to_have_value("3")

    page.get_by_label("Needles inserted").fill("11")
    page.get_by_label("Needles removed").fill("11")
    page.get_by_label("TCM pattern").fill("Kidney deficiency")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    page.screenshot(path="test-results/visit-note-768.png", full_page=True)
    page.screenshot(path="test-results/visit-note-top-768.png")

    sign = page.get_by_role("button", name="Sign and lock note")
    assert sign.bounding_box()["height"] >= 44
    sign.tap()
    expect(page.get_by_text("Signed by Mei Chen, R.Ac and locked.")).to_be_visible()
    expect(page.get_by_text("BL23 (both sides, tonify); BL25 (both sides, tonify)")).to_be_visible()
    page.screenshot(path="test-results/visit-signed-768.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path="test-results/visit-print.png", full_page=True)
    expect(page.get_by_role("button", name="Print")).to_be_hidden()

    with app.app_context():
        visit = db.session.scalars(db.select(Visit)).one()
        note = read_note(visit)
        assert visit.is_signed and visit.signed_name == "Mei Chen, R.Ac"
        assert [p["code"] for p in note["points"]] == ["BL23", "BL25", "BL40", "GV4", "KI3", "TE5"]
        assert note["pain_before"] == {"lower_back_l": 7} and note["pain_after"] == {"lower_back_l": 3}
        assert note["protocol_id"] is not None
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_a_second_tab_saving_over_the_first_shows_both_versions(
    page: Page, live_server, app, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner", full_name="Mei Chen")
    visit = make_visit(make_patient(), user)
    sign_in(page, live_server, user)
    url = f"{live_server}/patients/{visit.patient_id}/visits/{visit.id}/edit"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_label("Pulse").fill("Wiry")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    other.get_by_label("Pulse").fill("Slippery")
    panel = other.locator("#conflict-panel")
    expect(panel).to_be_visible(timeout=15000)
    expect(panel.get_by_role("cell", name="Wiry")).to_be_visible()
    expect(panel.get_by_role("cell", name="Slippery")).to_be_visible()
    other.screenshot(path="test-results/visit-conflict-768.png")
    other.get_by_role("button", name="Keep my version").tap()
    expect(other.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    with app.app_context():
        assert read_note(db.session.get(Visit, visit.id))["pulse"] == "Slippery"
