"""On a phone the intake's answers keep a 24 px dot however long the answer, and the consent is read in full."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

PHONE = {"width": 390, "height": 844}


def _link(app, make_patient) -> str:
    from intake.extensions import db
    from intake.patients.models import Patient
    from intake.questionnaire import grants, operations

    patient = make_patient()
    with app.app_context():
        intake = operations.start_intake(db.session.get(Patient, patient.id))
        token, _grant = grants.issue_link(intake)
        db.session.commit()
    return token


def test_every_radio_dot_is_24_px_on_a_phone_even_beside_a_long_answer(
    page: Page, live_server, app, make_patient
):
    token = _link(app, make_patient)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/i/{token}/odi")
    expect(page.get_by_role("button", name="Save and continue")).to_be_visible()
    sizes = page.eval_on_selector_all(
        ".radio-group .choice",
        """choices => choices.map(choice => {
             const dot = choice.querySelector('input[type=radio]').getBoundingClientRect();
             return { width: dot.width, height: dot.height, label: choice.getBoundingClientRect().height,
                      text: choice.textContent.trim() };
           })""",
    )
    assert len(sizes) > 20
    assert max(s["label"] for s in sizes) >= 60, "some answer runs over several lines"
    squeezed = [
        s for s in sizes if s["width"] < 24 or s["height"] < 24 or abs(s["width"] - s["height"]) > 0.5
    ]
    assert not squeezed, squeezed
    assert len({round(s["width"]) for s in sizes}) == 1  # one fixed size, whatever the label
    page.screenshot(path="test-results/forms-odi-390.png", full_page=True)


def test_the_consent_is_shown_in_full_not_in_a_box_that_scrolls(page: Page, live_server, app, make_patient):
    token = _link(app, make_patient)
    for width in (390, 768):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/i/{token}/consent")
        consent = page.locator("#consent-text")
        expect(consent).to_be_visible()
        for box in ("#consent-text", "#privacy-text"):
            overflow = page.locator(box).evaluate(
                "el => ({ hidden: el.scrollHeight - el.clientHeight, style: getComputedStyle(el).overflowY })"
            )
            assert overflow["hidden"] <= 1 and overflow["style"] == "visible", (box, width, overflow)
        assert (
            page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        )
        page.screenshot(path=f"test-results/forms-consent-{width}.png", full_page=True)


def test_the_intake_link_is_shown_whole_on_a_tablet(page: Page, live_server, make_user, make_patient):
    from tests.conftest import PASSWORD

    user = make_user(role="front_desk")
    patient = make_patient()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/patients/{patient.id}")
    page.get_by_role("button", name="Send intake link").first.click()
    link = page.get_by_label("Link for the patient")
    expect(link).to_have_value(re.compile(rf"^{re.escape(live_server)}/i/[A-Za-z0-9_-]{{43}}$"))
    for width in (768, 390, 1280):
        page.set_viewport_size({"width": width, "height": 1024})
        hidden = link.evaluate("el => [el.scrollWidth - el.clientWidth, el.scrollHeight - el.clientHeight]")
        assert hidden[0] <= 0 and hidden[1] <= 0, (width, hidden)  # nothing of the link out of sight
        box, card = link.bounding_box(), page.locator(".intake-link").bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"]
        page.screenshot(path=f"test-results/forms-intake-link-{width}.png")
