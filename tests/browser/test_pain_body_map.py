"""On a tablet: tap regions on the body map, score them with the big buttons, see them in the history."""

import pytest
from flask import render_template_string
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def _sign_in(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today


def _tap_and_score(page: Page, region: str, score: int, screenshot: str | None = None):
    page.locator(f'[data-body-map] path[data-region="{region}"]').tap()
    picker = page.locator(".score-picker")
    expect(picker).to_be_visible()
    if screenshot:
        page.screenshot(path=screenshot)
    button = picker.get_by_role("button", name=str(score), exact=True)
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # big buttons, not a tiny slider
    button.tap()
    expect(picker).to_be_hidden()


def test_practitioner_taps_three_regions_scores_them_and_sees_them_in_the_history(
    page: Page, live_server, make_user, make_patient
):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    user = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    _sign_in(page, live_server, user)

    page.goto(f"{live_server}/patients/{patient.id}/pain/check-in")
    expect(page.locator("fieldset[data-body-map][data-enhanced=yes]")).to_be_visible()
    # The list is tucked away behind a button once the map is there; the selects still hold the answers.
    expect(page.locator(".body-map__list").first).to_be_hidden()

    _tap_and_score(page, "lower_back_l", 7, screenshot="test-results/pain-score-picker-768.png")
    _tap_and_score(page, "neck_back", 3)
    _tap_and_score(page, "knee_front_r", 5)
    expect(page.locator("#pain-lower_back_l")).to_have_value("7")
    expect(page.locator("#pain-neck_back")).to_have_value("3")
    expect(page.locator("#pain-knee_front_r")).to_have_value("5")
    lower_back = page.locator('[data-body-map] path[data-region="lower_back_l"]')
    expect(lower_back).to_have_attribute("fill", "#e0321f")
    expect(lower_back).to_have_attribute("aria-label", "Lower back, left: 7 out of 10")
    expect(page.locator(".body-map__number", has_text="7")).to_have_count(1)  # the number, not colour alone
    expect(page.get_by_role("button", name="Change Neck, back, now 3 out of 10")).to_be_visible()

    # Change your mind: tap again, then clear one region.
    _tap_and_score(page, "knee_front_r", 4)
    page.locator('[data-body-map] path[data-region="neck_back"]').tap()
    page.get_by_role("button", name="Clear (no pain)").tap()
    expect(page.locator("#pain-neck_back")).to_have_value("")
    _tap_and_score(page, "neck_back", 3)
    page.locator(".body-map").screenshot(path="test-results/pain-body-map-768.png")

    page.get_by_role("button", name="Show the list of regions").tap()
    expect(page.get_by_label("Lower back, left", exact=True)).to_be_visible()

    page.get_by_role("button", name="Save check-in").tap()
    expect(page.get_by_role("heading", name="Pain history")).to_be_visible()
    expect(page.get_by_text("Saved Margaret Okafor's check-in (3 regions).")).to_be_visible()
    table = page.locator("#regions-heading + p + .table-scroll table")
    for label, score in (("Lower back, left", "7"), ("Neck, back", "3"), ("Knee, front, right", "4")):
        row = table.locator("tr", has=page.get_by_role("rowheader", name=label))
        expect(row.locator("td").nth(1)).to_have_text(score)
    expect(page.locator('#latest-map-region-lower_back_l[fill="#e0321f"]')).to_have_count(1)
    page.screenshot(path="test-results/pain-history-768.png", full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p or "body map" in p]


def test_two_maps_on_one_page_score_their_own_regions(page: Page, live_server, app):
    """The visit note shows a before and an after map: each tap sets only its own map's select."""
    with app.test_request_context():
        html = render_template_string(
            '{% from "pain/_body_map.html" import body_map %}<form>'
            '{{ body_map("pain_before", scores={"hip_l": 6}, legend="Before") }}'
            '{{ body_map("pain_after", legend="After") }}</form>'
        )
    page.goto(f"{live_server}/static/css/pain.css")  # same origin, so the figure can be fetched
    page.set_content(
        f'<link rel="stylesheet" href="/static/css/app.css"><link rel="stylesheet" href="/static/css/pain.css">{html}'
    )
    page.add_script_tag(url="/static/js/body-map.js")
    expect(page.locator("fieldset[data-enhanced=yes]")).to_have_count(2)
    before, after = page.locator("fieldset[data-body-map]").all()
    expect(before.locator('path[data-region="hip_l"]')).to_have_attribute("fill", "#f4622d")

    after.locator('path[data-region="hip_l"]').tap()
    after.locator(".score-picker").get_by_role("button", name="2", exact=True).tap()
    expect(page.locator("#pain_after-hip_l")).to_have_value("2")
    expect(page.locator("#pain_before-hip_l")).to_have_value("6")
    ids = page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)")
    assert len(ids) == len(set(ids))
