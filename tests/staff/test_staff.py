"""Administrators manage staff accounts."""

import pytest

from intake.audit.models import AuditEvent
from intake.auth.models import User
from intake.extensions import db
from intake.refused import Refused
from intake.staff import operations
from tests.conftest import PASSWORD, sign_in

NEW = {
    "email": "Mei.Chen@Clinic.Example",
    "full_name": "Mei Chen",
    "role": "practitioner",
    "designation": "R.Ac",
    "password": "a-long-enough-password",
    "confirm": "a-long-enough-password",
}


def _user(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def test_admin_creates_a_practitioner_who_can_sign_in(client, app, login):
    login("admin")
    response = client.post("/staff/new", data=NEW)
    assert response.status_code == 302
    user = _user(app, "mei.chen@clinic.example")
    assert user.role == "practitioner"
    assert user.signature_name == "Mei Chen, R.Ac"
    assert user.password_hash.startswith("$argon2id$")
    assert "Mei Chen, R.Ac" in client.get("/staff/").get_data(as_text=True)
    other = app.test_client()
    assert sign_in(other, "mei.chen@clinic.example", "a-long-enough-password").status_code == 302


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "", "Enter the staff member&#39;s email."),
        ("email", "mei@", "Enter a valid email address"),
        ("full_name", "", "Enter the staff member&#39;s full name."),
        ("full_name", "x" * 121, "Full name must be at most 120 characters."),
        ("password", "short", "Use at least 12 characters."),
        ("confirm", "something-else-entirely", "The passwords do not match."),
        ("role", "superuser", "Not a valid choice"),
    ],
)
def test_bad_staff_details_are_refused(client, app, login, field, value, message):
    login("admin")
    response = client.post("/staff/new", data={**NEW, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _user(app, "mei.chen@clinic.example") is None


def test_duplicate_email_is_refused_whatever_the_case(client, app, login, make_user):
    login("admin")
    make_user(email="mei.chen@clinic.example")
    response = client.post("/staff/new", data=NEW)
    assert response.status_code == 422
    assert b"Another staff account already uses this email." in response.data
    assert b'value="Mei Chen"' in response.data


def test_role_change_ends_that_users_sessions(client, app, login, make_user):
    login("admin")
    user = make_user(role="front_desk")
    tablet = app.test_client()
    sign_in(tablet, user.email)
    assert tablet.get("/patients/").status_code == 200
    response = client.post(
        f"/staff/{user.id}/edit",
        data={"email": user.email, "full_name": user.full_name, "role": "practitioner", "designation": "RMT"},
    )
    assert response.status_code == 302
    assert _user(app, user.email).role == "practitioner"
    assert tablet.get("/patients/").status_code == 302


def test_deactivate_and_reactivate_never_delete(client, app, login, make_user):
    login("admin")
    user = make_user()
    tablet = app.test_client()
    sign_in(tablet, user.email)
    assert client.get(f"/staff/{user.id}/deactivate").status_code == 405
    assert client.post(f"/staff/{user.id}/deactivate").status_code == 302
    assert _user(app, user.email).is_active_account is False
    assert tablet.get("/patients/").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 422
    assert client.post(f"/staff/{user.id}/activate").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 302


def test_admin_cannot_deactivate_or_demote_themselves(client, app, login):
    admin = login("admin")
    client.post(f"/staff/{admin.id}/deactivate")
    assert _user(app, admin.email).is_active_account is True
    response = client.post(
        f"/staff/{admin.id}/edit",
        data={"email": admin.email, "full_name": admin.full_name, "role": "front_desk", "designation": ""},
    )
    assert b"You cannot remove your own administrator role." in response.data
    assert _user(app, admin.email).role == "admin"


def test_reset_password(client, app, login, make_user):
    login("admin")
    user = make_user()
    response = client.post(f"/staff/{user.id}/password", data={"password": "short", "confirm": "short"})
    assert b"Use at least 12 characters." in response.data
    response = client.post(
        f"/staff/{user.id}/password",
        data={"password": "brand-new-password-1", "confirm": "brand-new-password-1"},
    )
    assert response.status_code == 302
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 422
    assert sign_in(app.test_client(), user.email, "brand-new-password-1").status_code == 302


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda user: operations.deactivate(user, by=user), "You cannot deactivate your own account."),
        (
            lambda user: operations.end_sessions(user, by=user),
            "To end your own sessions, sign out: that signs you out everywhere.",
        ),
        (
            lambda user: operations.reset_two_step(user, by=user),
            "Turn your own 2-step sign-in off or on from your account page.",
        ),
        (
            lambda user: operations.edit_account(
                user, by=user, email=user.email, full_name=user.full_name, role="front_desk", designation=""
            ),
            "You cannot remove your own administrator role.",
        ),
    ],
)
def test_the_own_account_rules_hold_for_every_caller_of_the_operations(app, make_user, change, message):
    admin = make_user(role="admin")
    with app.app_context():
        user = db.session.get(User, admin.id)
        version = user.session_version
        with pytest.raises(Refused) as refused:
            change(user)
        assert refused.value.message == message
        db.session.commit()
        user = db.session.get(User, admin.id)
        assert (user.is_active_account, user.role, user.session_version) == (True, "admin", version)
        assert db.session.scalars(db.select(AuditEvent)).all() == []
