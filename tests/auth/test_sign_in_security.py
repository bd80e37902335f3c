"""Sign-in throttling, audit of sign-ins, cookies, and the password rules."""

from datetime import timedelta

from intake.database import utcnow
from intake.extensions import db
from intake.throttle import ThrottleAttempt
from tests.conftest import PASSWORD, sign_in

TOO_MANY = b"Too many sign-in attempts. Wait 15 minutes and try again"


def _fail(client, email, times, ip="203.0.113.10"):
    for _ in range(times):
        response = client.post(
            "/login",
            data={"email": email, "password": "wrong-password-here"},
            environ_base={"REMOTE_ADDR": ip},
        )
        assert response.status_code == 422
        assert b"Email or password is incorrect." in response.data


def test_five_failures_make_the_account_wait_even_with_the_right_password(client, make_user):
    user = make_user()
    _fail(client, user.email, 5)
    response = sign_in(client, user.email)
    assert response.status_code == 429
    assert TOO_MANY in response.data
    assert client.get("/patients/").status_code == 302


def test_the_wait_holds_for_any_client_of_the_same_account(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 5, ip="203.0.113.10")
    other_worker = app.test_client()
    response = other_worker.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 429


def test_unknown_and_known_emails_get_identical_answers(client, make_user):
    user = make_user(email="known@clinic.example")
    answers = {}
    for email in ("known@clinic.example", "unknown@clinic.example"):
        responses = [
            client.post("/login", data={"email": email, "password": "wrong-password-here"}) for _ in range(6)
        ]
        answers[email] = [
            (r.status_code, r.get_data(as_text=True).replace(email, "EMAIL")) for r in responses
        ]
    assert answers["known@clinic.example"] == answers["unknown@clinic.example"]
    assert [status for status, _ in answers["known@clinic.example"]] == [422] * 5 + [429]
    assert user.email == "known@clinic.example"


def test_per_ip_limit_stops_guessing_across_many_accounts(app, client, make_user):
    app.config["LOGIN_IP_LIMIT"] = 3
    user = make_user()
    for n in range(3):
        _fail(client, f"guess{n}@clinic.example", 1, ip="203.0.113.99")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.99"},
    )
    assert response.status_code == 429
    assert sign_in(app.test_client(), user.email).status_code == 302  # from the clinic's own IP


def test_a_successful_sign_in_clears_the_accounts_failures(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 4)
    assert sign_in(client, user.email).status_code == 302
    client.post("/logout")
    _fail(client, user.email, 4)
    assert sign_in(client, user.email).status_code == 302


def test_failures_older_than_the_window_no_longer_count(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 5)
    with app.app_context():
        db.session.execute(db.update(ThrottleAttempt).values(attempted_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    assert sign_in(client, user.email).status_code == 302


def test_sign_in_success_failure_and_sign_out_are_audited(client, make_user, audit_events):
    user = make_user(role="front_desk", full_name="Jordan Lee")
    client.post(
        "/login",
        data={"email": user.email, "password": "nope-nope-nope"},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    client.post("/login", data={"email": "ghost@clinic.example", "password": "whatever-it-is"})
    sign_in(client, user.email)
    client.post("/logout")
    failed = audit_events(action="login_failed")
    assert [(e.user_id, e.client_ip) for e in failed][0] == (user.id, "203.0.113.5")
    assert failed[1].user_id is None and "no account" in failed[1].detail
    assert "ghost" not in failed[1].detail  # the typed email is not kept
    login = audit_events(action="login")[0]
    assert (login.user_id, login.user_name, login.user_role, login.endpoint) == (
        user.id,
        "Jordan Lee",
        "front_desk",
        "auth.login",
    )
    assert audit_events(action="logout")[0].user_id == user.id


def test_sign_in_sets_no_remember_me_cookie_and_a_browser_session_cookie(client, make_user):
    user = make_user()
    response = sign_in(client, user.email)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "Expires" not in session_cookie  # gone when the browser closes
    assert b"Remember me" not in client.get("/login").data


# --- Passwords -------------------------------------------------------------------------------

NEW_STAFF = {
    "email": "new.person@clinic.example",
    "full_name": "New Person",
    "role": "front_desk",
    "designation": "",
}


def _create_staff(client, password):
    return client.post("/staff/new", data={**NEW_STAFF, "password": password, "confirm": password})


def test_common_and_breached_passwords_are_refused(client, login):
    login("admin")
    for password in ("qwertyuiop123", "1qaz2wsx3edc", "Password2024!!", "aaaaaaaaaaaaaa", "abcabcabcabc"):
        response = _create_staff(client, password)
        assert response.status_code == 422, password
        assert b"This password is on a list of common or leaked passwords." in response.data


def test_passwords_from_12_to_128_characters_are_accepted(app, client, login):
    login("admin")
    assert b"Use at least 12 characters." in _create_staff(client, "short-pw-11").data
    assert b"Use at most 128 characters." in _create_staff(client, "x7-" * 43).data  # 129
    assert _create_staff(client, "maple river lantern " * 6 + "gold pin").status_code == 302  # 128


def test_bundled_list_is_large_and_names_its_source():
    from intake.auth.passwords import COMMON_PASSWORDS_FILE, common_passwords

    assert len(common_passwords()) > 25_000
    assert "zxcvbn" in COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")[:600]
    assert "password" in common_passwords()


def test_staff_change_their_own_password_and_other_sessions_end(app, client, login, audit_events):
    user = login("practitioner")
    other_tablet = app.test_client()
    sign_in(other_tablet, user.email)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not-my-password",
            "password": "lantern maple river",
            "confirm": "lantern maple river",
        },
    )
    assert response.status_code == 422
    assert b"That is not your current password." in response.data
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "lantern maple river",
            "confirm": "lantern maple river",
        },
    )
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200  # this tablet stays signed in
    assert other_tablet.get("/patients/").status_code == 302
    assert sign_in(app.test_client(), user.email, "lantern maple river").status_code == 302
    assert audit_events(action="password_changed")[0].user_id == user.id
