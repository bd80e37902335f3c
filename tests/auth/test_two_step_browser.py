"""On a tablet, in a real browser: setting up 2-step sign-in, then the administrator's audit log."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_practitioner_sets_up_2_step_sign_in_and_uses_it(page: Page, live_server, make_user):
    user = make_user(role="practitioner", full_name="Mei Chen")
    _sign_in(page, live_server, user.email)
    page.get_by_role("link", name="Mei Chen").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("link", name="Set up 2-step sign-in").click()
    qr_code = page.get_by_role("img", name=re.compile("QR code to add"))
    expect(qr_code).to_be_visible()
    assert qr_code.bounding_box()["width"] >= 150
    page.screenshot(path="test-results/two-step-setup-768.png", full_page=True)
    secret = page.locator(".manual-key").inner_text().replace(" ", "")
    page.get_by_label("6-digit code shown in the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on 2-step sign-in").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    first_code = codes.first.inner_text()
    page.screenshot(path="test-results/two-step-recovery-codes-768.png", full_page=True)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_text("Signing in asks for a code from your authenticator app.")).to_be_visible()
    page.screenshot(path="test-results/account-768.png", full_page=True)

    page.get_by_role("button", name="Sign out").first.click()
    _sign_in(page, live_server, user.email)
    expect(page.get_by_role("heading", name="2-step sign-in")).to_be_visible()
    page.screenshot(path="test-results/two-step-code-768.png", full_page=True)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(first_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today
    expect(page.get_by_text("You used a recovery code; 9 left.")).to_be_visible()


def test_administrator_searches_the_audit_log(
    page: Page, live_server, make_user, make_patient, enable_two_step
):
    admin = make_user(role="admin", full_name="Alex Morgan")
    enable_two_step(make_user(role="practitioner", full_name="Sam Taylor", designation="RMT"))
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    _sign_in(page, live_server, admin.email)
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()  # Today
    page.goto(f"{live_server}/patients/{patient.id}")
    expect(page.get_by_role("heading", name="Who has looked at this chart")).to_be_visible()
    page.get_by_role("heading", name="Who has looked at this chart").scroll_into_view_if_needed()
    page.screenshot(path="test-results/chart-viewers-768.png")
    page.get_by_role("link", name="Full audit log for this chart").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_label("Patient chart number")).to_have_value(patient.chart_number)
    expect(page.locator(".audit-table__words", has_text=re.compile(r"^Opened the chart$"))).to_have_count(1)
    page.get_by_label("Patient chart number").fill("")
    page.get_by_label("Action").select_option("Signed in")
    page.get_by_role("button", name="Search the audit log").click()
    expect(page.locator(".audit-table__words", has_text=re.compile(r"^Signed in")).first).to_be_visible()
    for name in ("Search the audit log", "Download these events as CSV"):
        role = "button" if name.startswith("Search") else "link"
        assert page.get_by_role(role, name=name).bounding_box()["height"] >= 44
    page.screenshot(path="test-results/audit-log-768.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-results/audit-log-390.png", full_page=True)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Sign-in security").click()
    page.get_by_label("Require 2-step sign-in for every staff account").check()
    page.get_by_role("button", name="Save sign-in settings").click()
    expect(page.get_by_text("2-step sign-in is required for everyone.")).to_be_visible()
    page.screenshot(path="test-results/staff-768.png", full_page=True)
    page.get_by_role("link", name="Edit Sam Taylor").click()
    page.get_by_role("button", name="Reset 2-step sign-in").click()
    expect(page.get_by_text("2-step sign-in turned off for Sam Taylor")).to_be_visible()
