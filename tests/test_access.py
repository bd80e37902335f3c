"""Every view declares who may open it; anonymous visitors are sent to sign in."""

import pytest

from intake.auth.access import endpoint_access

PUBLIC = {"static", "auth.login", "health.healthz"}
# The intake questionnaire: guarded by the link token in the URL or the clinic tablet's kiosk grant.
PUBLIC |= {
    "intake_link.link_resume",
    "intake_link.link_step",
    "intake_link.link_submit",
    "intake_link.kiosk_resume",
    "intake_link.kiosk_step",
    "intake_link.kiosk_submit",
    "intake_link.thank_you",
}


def _example_url(rule):
    values = {arg: 1 for arg in rule.arguments}
    if "filename" in values:
        values["filename"] = "css/app.css"
    return rule.build(values, append_unknown=False)[1]


def test_every_endpoint_declares_its_access(app):
    with app.test_request_context():
        undeclared = [
            rule.endpoint for rule in app.url_map.iter_rules() if endpoint_access(rule.endpoint) is None
        ]
        assert undeclared == []
        public = {
            rule.endpoint for rule in app.url_map.iter_rules() if endpoint_access(rule.endpoint) == "public"
        }
    assert public <= PUBLIC | {e for e in public if e.startswith("intake_link.")}


def test_every_non_public_endpoint_sends_anonymous_visitors_to_login(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        with app.test_request_context():
            if endpoint_access(rule.endpoint) == "public":
                continue
        url = _example_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert response.headers["Location"].startswith("/login"), f"{method} {url}"
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("url", ["/staff/", "/staff/new"])
def test_front_desk_and_practitioners_cannot_manage_staff(client, login, url):
    login("front_desk")
    assert client.get(url).status_code == 403


def test_practitioner_cannot_manage_staff(client, login):
    login("practitioner")
    response = client.get("/staff/")
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.data
