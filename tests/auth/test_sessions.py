"""Sessions on shared tablets: idle and absolute timeouts, the session version, ending sessions."""

import time

from intake.auth.sessions import LAST_SEEN, SIGNED_IN_AT
from tests.conftest import sign_in

IDLE_MESSAGE = b"You were signed out after 15 minutes without activity"


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = int(time.time()) - ago


def test_fifteen_idle_minutes_sign_the_tablet_out(client, login, audit_events):
    user = login("practitioner")
    _age_session(client, last_seen=15 * 60)
    response = client.get("/patients/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert IDLE_MESSAGE in client.get("/login").data
    assert client.get("/patients/").status_code == 302
    expired = audit_events(action="session_expired")
    assert [e.user_id for e in expired] == [user.id]


def test_activity_within_the_idle_limit_keeps_the_session(client, login):
    login("practitioner")
    _age_session(client, last_seen=14 * 60 + 50)
    assert client.get("/patients/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 5


def test_the_idle_limit_comes_from_config(app, client, login):
    app.config["SESSION_IDLE_TIMEOUT"] = 120
    login("practitioner")
    _age_session(client, last_seen=121)
    assert client.get("/patients/").status_code == 302
    assert b"signed out after 2 minutes without activity" in client.get("/login").data


def test_sessions_end_after_twelve_hours_whatever_the_activity(client, login):
    login("practitioner")
    _age_session(client, signed_in_at=12 * 3600, last_seen=10)
    assert client.get("/patients/").status_code == 302
    assert b"sessions last at most 12 hours" in client.get("/login").data


def test_the_timer_asks_for_time_left_without_counting_as_activity(client, login):
    login("practitioner")
    _age_session(client, last_seen=100)
    body = client.get("/session/status").get_json()
    assert body["signed_in"] is True
    assert 795 <= body["seconds_left"] <= 800
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] >= 99


def test_stay_signed_in_counts_as_activity(client, login):
    login("practitioner")
    _age_session(client, last_seen=14 * 60)
    body = client.post("/session/ping").get_json()
    assert body["signed_in"] is True
    assert body["seconds_left"] >= 15 * 60 - 1


def test_the_timer_hears_401_once_the_session_timed_out(client, login):
    login("practitioner")
    _age_session(client, last_seen=15 * 60 + 1)
    response = client.get("/session/status")
    assert response.status_code == 401
    assert response.get_json() == {"signed_in": False, "seconds_left": 0}
    assert client.post("/session/ping").status_code == 302  # no session left: sign in


def test_stay_signed_in_needs_a_csrf_token(app, client, login):
    login("practitioner")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/session/ping").status_code == 400
    page = client.get("/patients/").get_data(as_text=True)
    token = page.split('data-csrf-token="')[1].split('"')[0]
    assert client.post("/session/ping", headers={"X-CSRFToken": token}).status_code == 200


def test_a_session_cookie_without_its_clocks_is_not_accepted(client, login):
    login("practitioner")
    with client.session_transaction() as session:
        del session[SIGNED_IN_AT]
    assert client.get("/patients/").status_code == 302


def test_signed_in_pages_carry_the_timer_and_the_sign_in_page_does_not(client, login):
    assert b"session-timeout.js" not in client.get("/login").data
    login("front_desk")
    page = client.get("/patients/").get_data(as_text=True)
    assert 'data-idle-seconds="900"' in page
    assert 'data-warning-seconds="60"' in page
    assert "Stay signed in</button>" in page
    assert '<script src="/static/js/session-timeout.js" defer></script>' in page


def _copied_cookie_still_works(app, client):
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy.get("/patients/").status_code == 200


def test_admin_ends_all_of_a_users_sessions(app, client, login, make_user, audit_events):
    login("admin")
    user = make_user()
    tablet, phone = app.test_client(), app.test_client()
    sign_in(tablet, user.email)
    sign_in(phone, user.email)
    assert client.get(f"/staff/{user.id}/end-sessions").status_code == 405
    assert client.post(f"/staff/{user.id}/end-sessions").status_code == 302
    assert tablet.get("/patients/").status_code == 302
    assert phone.get("/patients/").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 302  # they can sign in again
    assert audit_events(action="end_sessions")[0].record_id == user.id


def test_a_copied_cookie_dies_with_a_password_reset(app, client, login, make_user):
    login("admin")
    user = make_user()
    tablet = app.test_client()
    sign_in(tablet, user.email)
    assert _copied_cookie_still_works(app, tablet)
    client.post(
        f"/staff/{user.id}/password",
        data={"password": "lantern maple river", "confirm": "lantern maple river"},
    )
    assert not _copied_cookie_still_works(app, tablet)


def test_a_copied_cookie_dies_with_deactivation_and_stays_dead_after_reactivation(
    app, client, login, make_user
):
    login("admin")
    user = make_user()
    tablet = app.test_client()
    sign_in(tablet, user.email)
    cookie = tablet.get_cookie("session").value
    client.post(f"/staff/{user.id}/deactivate")
    client.post(f"/staff/{user.id}/activate")
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/patients/").status_code == 302


def test_signing_in_starts_a_fresh_session(app, client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-before-sign-in"
        session["something_else"] = "left over"
    sign_in(client, user.email)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-before-sign-in"
        assert "something_else" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_the_idle_clock_moves_in_steps_so_a_tablet_in_use_keeps_its_cookie(client, login):
    login("practitioner")
    client.get("/patients/")
    _age_session(client, last_seen=20)  # within a step (a thirtieth of 15 minutes: 30 seconds)
    with client.session_transaction() as session:
        seen = session[LAST_SEEN]
    response = client.get("/patients/")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    with client.session_transaction() as session:
        assert session[LAST_SEEN] == seen
    assert 15 * 60 - 25 <= client.get("/session/status").get_json()["seconds_left"] <= 15 * 60 - 19
    _age_session(client, last_seen=31)
    response = client.get("/patients/")
    assert "Set-Cookie" in response.headers
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 5


def test_a_short_idle_timeout_moves_the_clock_every_second(app, client, login):
    app.config["SESSION_IDLE_TIMEOUT"] = 8
    login("practitioner")
    _age_session(client, last_seen=2)
    assert client.get("/patients/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 1.5
