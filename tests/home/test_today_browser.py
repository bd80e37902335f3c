"""Today in a real browser: a tablet held upright, a phone and a desktop, for a practitioner and front desk."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from intake.database import utcnow
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import grants, operations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SIZES = {"tablet": (768, 1024), "phone": (390, 844), "desktop": (1280, 900)}


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()


def _open_intake(app, patient, *, tablet: bool, expires_in: timedelta = timedelta(days=5)) -> None:
    with app.app_context():
        intake = operations.start_intake(db.session.get(Patient, patient.id))
        if tablet:
            grants.issue_kiosk_grant(intake)
        else:
            _raw, grant = grants.issue_link(intake)
            assert grant is not None
            grant.expires_at = utcnow() + expires_in
        db.session.commit()


def _busy_day(app, make_patient, make_submitted_intake, make_visit, practitioner) -> None:
    flagged = make_patient(first_name="Harriet", last_name="Lindqvist-Okonkwo")
    make_submitted_intake(flagged, saddle_numbness=True, bladder_bowel=True, leg_weakness=True)
    make_submitted_intake(make_patient(first_name="Dev", last_name="Raman"))
    week_ago = utcnow() - timedelta(days=3)
    make_visit(make_patient(first_name="Tyler", last_name="Bergstrom"), practitioner, created_at=week_ago)
    make_visit(flagged, practitioner)
    _open_intake(app, make_patient(first_name="Amara", last_name="Okafor"), tablet=False)
    _open_intake(
        app, make_patient(first_name="Bo", last_name="Nguyen"), tablet=False, expires_in=timedelta(days=-1)
    )
    _open_intake(app, make_patient(first_name="Clara", last_name="Dubois"), tablet=True)


def _assert_fits_and_targets(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways"
    for link in page.locator(".today-list a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 24, link.inner_text()
    box = page.get_by_role("link", name="Find a patient").bounding_box()
    assert box is not None and box["height"] >= 44


@pytest.mark.parametrize("size", SIZES)
def test_today_for_a_practitioner_fits_each_screen(
    page: Page, app, live_server, make_user, make_patient, make_submitted_intake, make_visit, size
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    _busy_day(app, make_patient, make_submitted_intake, make_visit, practitioner)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    _sign_in(page, live_server, practitioner.email)
    attention = page.locator(".today-list--red-flags")
    expect(attention).to_contain_text("saddle numbness")
    expect(attention).to_contain_text("Lindqvist-Okonkwo, Harriet")
    _assert_fits_and_targets(page)
    page.screenshot(path=f"/tmp/c12-today-practitioner-{size}.png", full_page=True)
    links = page.locator(".today-list--links")
    expect(links).to_contain_text("Expired")
    links.get_by_role("link", name="Send again to Okafor, Amara").click()
    expect(page.get_by_role("button", name="Get a link for the patient's phone")).to_be_visible()


def test_today_for_front_desk_on_the_tablet(
    page: Page, app, live_server, make_user, make_patient, make_submitted_intake, make_visit
):
    front_desk = make_user(role="front_desk", full_name="Jordan Lee")
    _busy_day(app, make_patient, make_submitted_intake, make_visit, make_user(role="practitioner"))
    _sign_in(page, live_server, front_desk.email)
    attention = page.locator(".today-list--red-flags")
    expect(attention).to_contain_text("Needs a practitioner")
    expect(page.locator("main")).not_to_contain_text("saddle numbness")
    expect(page.get_by_role("heading", name="Your unsigned notes")).to_have_count(0)
    _assert_fits_and_targets(page)
    page.screenshot(path="/tmp/c12-today-front-desk-tablet.png", full_page=True)
