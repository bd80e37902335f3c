"""Signing in and out."""

import pytest

from tests.conftest import PASSWORD, sign_in


def test_login_page_has_labelled_fields_and_sign_in_button(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="field__label" for="email">Email</label>' in html
    assert '<label class="field__label" for="password">Password</label>' in html
    assert ">Sign in</button>" in html


def test_staff_signs_in_and_reaches_today(client, make_user):
    user = make_user(role="front_desk", email="Jordan.Lee@Clinic.Example", full_name="Jordan Lee")
    response = sign_in(client, "  jordan.lee@CLINIC.example ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert f"{user.full_name} <small>(Front desk)</small>" in client.get("/patients/").get_data(as_text=True)


def test_wrong_password_is_refused_with_message(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, "not-the-password")
    assert response.status_code == 422
    assert b"Email or password is incorrect." in response.data
    assert client.get("/patients/").status_code == 302


def test_unknown_email_gets_the_same_message(client):
    response = sign_in(client, "nobody@clinic.example", "whatever-password")
    assert b"Email or password is incorrect." in response.data


def test_deactivated_account_cannot_sign_in(client, make_user):
    user = make_user(is_active_account=False)
    response = sign_in(client, user.email)
    assert response.status_code == 422
    assert b"Email or password is incorrect." in response.data


def test_empty_fields_get_messages(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert b"Enter your email." in response.data
    assert b"Enter your password." in response.data


def test_email_typed_is_kept_after_failed_sign_in(client):
    response = sign_in(client, "typed@clinic.example", "wrong-password-here")
    assert b'value="typed@clinic.example"' in response.data


def test_safe_next_is_followed(client, make_user, make_patient):
    user = make_user()
    patient = make_patient()
    response = client.post(
        f"/login?next=/patients/{patient.id}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == f"/patients/{patient.id}"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "\\\\evil",
    ],
)
def test_unsafe_next_is_ignored(client, make_user, next_url):
    user = make_user()
    response = client.post(
        "/login", query_string={"next": next_url}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # Today


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_is_post_only(client, login):
    login()
    assert client.get("/logout").status_code == 405
    assert client.get("/patients/").status_code == 200


def test_logout_ends_the_session_and_a_copied_cookie(client, app, login):
    login()
    copied = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 302
    other_tablet = app.test_client()
    other_tablet.set_cookie("session", copied)
    assert other_tablet.get("/patients/").status_code == 302
