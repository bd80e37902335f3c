"""2-step sign-in: set up with a QR code, codes once only, recovery codes, the clinic-wide requirement."""

import logging
import re
import secrets
import time
from datetime import UTC, datetime

import pyotp
import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from intake.auth.models import RecoveryCode, User
from intake.auth.signin import PENDING
from intake.extensions import db
from tests.conftest import PASSWORD, TEST_DATABASE_URL, sign_in
from tests.fixtures.audit import current_code, next_code


def _user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def _manual_key(html: str) -> str:
    return re.search(r'class="manual-key"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def _recovery_codes(html: str) -> list[str]:
    return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", html)


def test_staff_member_sets_up_2_step_with_a_qr_code_and_gets_recovery_codes(app, client, login, audit_events):
    user = login("practitioner")
    page = client.get("/account/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    assert 'alt="QR code to add' in page
    secret = _manual_key(page)
    assert len(secret) == 32
    response = client.post(
        "/account/two-step", data={"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 422
    assert b"That code did not match." in response.data
    assert _manual_key(response.get_data(as_text=True)) == secret  # same key until confirmed
    response = client.post("/account/two-step", data={"code": current_code(secret)})
    assert response.status_code == 200
    codes = _recovery_codes(response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert b"they will not be shown again" in response.data
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret == secret  # decrypted with the app's key
    with app.app_context():
        stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored)  # only hashes are kept
    assert audit_events(action="two_step_enabled")[0].user_id == user.id
    assert b"since" in client.get("/account").data


def test_sign_in_asks_for_the_app_code_after_the_password(
    app, client, make_user, enable_two_step, audit_events
):
    user = make_user()
    secret, _ = enable_two_step(user)
    response = sign_in(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login")
    assert b"2-step sign-in" in page.data
    assert client.get("/patients/").status_code == 302  # not signed in yet
    response = client.post("/login", data={"code": "12345"})
    assert response.status_code == 422
    assert b"That code did not work." in response.data
    response = client.post("/login", data={"code": current_code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/"  # Today
    assert client.get("/patients/").status_code == 200
    assert audit_events(action="login")[0].detail == "with password and authenticator app"


def test_a_code_cannot_be_used_twice(app, client, make_user, enable_two_step):
    user = make_user()
    secret, _ = enable_two_step(user)
    code = next_code(secret)
    sign_in(client, user.email)
    assert client.post("/login", data={"code": code}).status_code == 302
    client.post("/logout")
    sign_in(client, user.email)
    response = client.post("/login", data={"code": code})
    assert response.status_code == 422
    assert client.get("/patients/").status_code == 302


def test_each_recovery_code_signs_in_once(app, client, make_user, enable_two_step, audit_events):
    user = make_user()
    _, codes = enable_two_step(user)
    sign_in(client, user.email)
    response = client.post("/login", data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert b"You used a recovery code; 9 left." in client.get("/patients/").data
    client.post("/logout")
    sign_in(client, user.email)
    assert client.post("/login", data={"code": codes[3]}).status_code == 422
    assert audit_events(action="recovery_code_used")[0].user_id == user.id


def test_wrong_codes_count_towards_the_accounts_limit(client, make_user, enable_two_step):
    user = make_user()
    secret, _ = enable_two_step(user)
    sign_in(client, user.email)
    for _ in range(5):
        assert (
            client.post(
                "/login", data={"code": "999999" if current_code(secret) != "999999" else "999998"}
            ).status_code
            == 422
        )
    response = client.post("/login", data={"code": current_code(secret)})
    assert response.status_code == 429
    assert client.get("/patients/").status_code == 302


def test_a_half_finished_sign_in_expires_and_can_be_cancelled(client, make_user, enable_two_step):
    user = make_user()
    secret, _ = enable_two_step(user)
    sign_in(client, user.email)
    with client.session_transaction() as session:
        session[PENDING]["since"] = int(time.time()) - 301
        session.modified = True
    assert b'id="password"' in client.get("/login").data  # back to the password step
    sign_in(client, user.email)
    assert client.post("/login", data={"start_over": "1"}).status_code == 302
    assert b'id="password"' in client.get("/login").data


def test_turning_2_step_off_needs_the_password(app, client, make_user, enable_two_step, audit_events):
    user = make_user()
    secret, _ = enable_two_step(user)
    sign_in(client, user.email)
    client.post("/login", data={"code": current_code(secret)})
    client.post("/account/two-step/off", data={"off-password": "not-it-at-all"})
    assert _user(app, user.id).has_two_step
    client.post("/account/two-step/off", data={"off-password": PASSWORD})
    assert not _user(app, user.id).has_two_step
    assert audit_events(action="two_step_disabled")[0].user_id == user.id
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(app, client, make_user, enable_two_step):
    user = make_user()
    secret, old_codes = enable_two_step(user)
    sign_in(client, user.email)
    client.post("/login", data={"code": current_code(secret)})
    response = client.post("/account/recovery-codes", data={"codes-password": PASSWORD})
    new_codes = _recovery_codes(response.get_data(as_text=True))
    assert len(new_codes) == 10
    client.post("/logout")
    sign_in(client, user.email)
    assert client.post("/login", data={"code": old_codes[0]}).status_code == 422
    assert client.post("/login", data={"code": new_codes[0]}).status_code == 302


def test_clinic_wide_requirement_makes_staff_set_up_2_step_at_next_sign_in(
    app, client, login, make_user, audit_events
):
    login("admin")
    response = client.post("/staff/sign-in-security", data={"require_two_step": "y"})
    assert response.status_code == 302
    assert audit_events(action="setting_change")[0].detail == "require 2-step sign-in: on"
    assert b"required for everyone" in client.get("/staff/").data

    user = make_user(role="front_desk")
    tablet = app.test_client()
    assert sign_in(tablet, user.email).status_code == 302
    page = tablet.get("/login")
    assert b"The clinic asks every staff member to use 2-step sign-in." in page.data
    assert tablet.get("/patients/").status_code == 302
    secret = _manual_key(page.get_data(as_text=True))
    response = tablet.post("/login", data={"code": current_code(secret)})
    assert response.status_code == 200
    assert len(_recovery_codes(response.get_data(as_text=True))) == 10
    assert tablet.get("/patients/").status_code == 200
    assert _user(app, user.id).has_two_step

    # Required for everyone: it cannot be turned off by the staff member.
    tablet.post("/account/two-step/off", data={"off-password": PASSWORD})
    assert _user(app, user.id).has_two_step


def test_admin_resets_a_lost_phone_and_the_users_sessions_end(
    app, client, login, make_user, enable_two_step, audit_events
):
    login("admin")
    user = make_user()
    secret, _ = enable_two_step(user)
    tablet = app.test_client()
    sign_in(tablet, user.email)
    tablet.post("/login", data={"code": current_code(secret)})
    assert tablet.get("/patients/").status_code == 200
    assert client.post(f"/staff/{user.id}/reset-two-step").status_code == 302
    assert not _user(app, user.id).has_two_step
    assert tablet.get("/patients/").status_code == 302
    assert audit_events(action="two_step_reset")[0].record_id == user.id


def test_deactivating_an_account_drops_its_half_finished_sign_in(
    app, client, login, make_user, enable_two_step
):
    user = make_user()
    secret, _ = enable_two_step(user)
    tablet = app.test_client()
    sign_in(tablet, user.email)
    login("admin")
    client.post(f"/staff/{user.id}/deactivate")
    response = tablet.post("/login", data={"code": current_code(secret)})
    assert tablet.get("/patients/").status_code == 302
    assert b'id="password"' in response.data  # back to the password step


# --- The 2-step secret at rest ------------------------------------------------------------------------


def _stored_user_row(app, user_id) -> dict:
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM user_account WHERE id = :id"), {"id": user_id})
        return dict(row.mappings().one())


def test_the_database_holds_no_clear_totp_secret_and_the_app_code_still_signs_in(
    app, client, make_user, enable_two_step
):
    user = make_user()
    secret, _ = enable_two_step(user)
    row = _stored_user_row(app, user.id)
    assert "totp_secret" not in row  # the clear column is gone
    assert not any(secret in str(value) for value in row.values())
    assert not any(secret.lower() in str(value).lower() for value in row.values())
    assert row["totp_secret_encrypted"].startswith("gAAAAA")  # a Fernet token
    sign_in(client, user.email)
    response = client.post("/login", data={"code": current_code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/patients/").status_code == 200


def test_a_totp_secret_cannot_be_read_with_another_key(app, make_user, enable_two_step):
    user = make_user()
    secret, _ = enable_two_step(user)
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret == secret
        app.config["TOTP_ENCRYPTION_KEY"] = secrets.token_urlsafe(32)
        db.session.expire_all()
        with pytest.raises(RuntimeError, match="cannot be read with this key"):
            _ = db.session.get(User, user.id).totp_secret


def _at_revision(app, revision, direction=upgrade):
    # Alembic's env.py calls logging.config.fileConfig, which disables every logger that exists by then.
    loggers = [each for each in logging.root.manager.loggerDict.values() if isinstance(each, logging.Logger)]
    disabled_before = {each: each.disabled for each in loggers}
    with app.app_context():
        direction(revision=revision)
        db.engine.dispose()
    for each, disabled in disabled_before.items():
        each.disabled = disabled


def test_migration_0008_encrypts_a_clear_secret_and_the_downgrade_decrypts_it(tmp_path):
    if TEST_DATABASE_URL:
        pytest.skip("built from an empty SQLite file (the migration's SQL is the same on PostgreSQL)")
    from flask_migrate import downgrade

    from intake import create_app
    from intake.auth.passwords import hash_password

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'intake.sqlite3'}")
    _at_revision(app, "0007_amended_pain")
    secret = pyotp.random_base32(32)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO user_account (email, full_name, role, designation, password_hash, "
                "is_active_account, session_version, totp_secret, totp_enabled_at, totp_last_step, "
                "created_at, updated_at) VALUES ('mei@clinic.example', 'Mei Chen', 'practitioner', 'R.Ac', "
                ":password_hash, 1, 1, :secret, :now, 0, :now, :now)"
            ),
            {"password_hash": hash_password(PASSWORD), "secret": secret, "now": datetime.now(UTC)},
        )
        user_id = db.session.execute(text("SELECT id FROM user_account")).scalar_one()
        db.session.commit()
        db.engine.dispose()

    _at_revision(app, "0008_encrypted_totp")
    row = _stored_user_row(app, user_id)
    assert "totp_secret" not in row and secret not in str(row["totp_secret_encrypted"])
    _at_revision(app, "head")  # the app's pages need the latest schema; the secret stays as 0008 left it
    with app.app_context():
        assert db.session.get(User, user_id).totp_secret == secret
        db.engine.dispose()
    client = app.test_client()  # the migrated secret still signs in
    sign_in(client, "mei@clinic.example")
    assert client.post("/login", data={"code": current_code(secret)}).status_code == 302
    assert client.get("/patients/").status_code == 200

    _at_revision(app, "0007_amended_pain", direction=downgrade)
    assert _stored_user_row(app, user_id)["totp_secret"] == secret
