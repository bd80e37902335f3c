"""2-step sign-in: a time-based code (TOTP, RFC 6238) from an authenticator app, or a recovery code.

Each accepted app code moves ``User.totp_last_step`` forward, so the same code (or an
older one) cannot be used again. Recovery codes are random, shown once, stored only as
SHA-256 hashes (their randomness makes a slow hash unnecessary) and each works once.
"""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from sqlalchemy import or_
from sqlalchemy.orm.attributes import set_committed_value

from intake.auth.models import ClinicSetting, RecoveryCode, User
from intake.database import utcnow
from intake.extensions import db

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 10
REQUIRE_TWO_STEP = "require_two_step"
APP_CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """Return a fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """Return the QR code of ``uri`` as an SVG data: URI for an <img> (no inline markup needed)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=3)


def grouped_secret(secret: str) -> str:
    """Return the secret in groups of four, as people type it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def matching_step(secret: str, code: str, *, after_step: int | None = None, now: float | None = None):
    """Return the time step ``code`` belongs to (this one or either neighbour), or None.

    Steps at or before ``after_step`` are refused, so a code works once.
    """
    code = _clean(code)
    if not APP_CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode("utf-8")).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(user: User) -> list[str]:
    """Give ``user`` a fresh set of recovery codes (the old ones stop working); return them to show once."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(c)) for c in codes)
    return codes


def unused_recovery_codes(user: User) -> int:
    """Return how many of the user's recovery codes are still unused."""
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of ``user``; return False when it is not one."""
    if len(_clean(code)) != RECOVERY_CODE_LENGTH:
        return False
    # One conditional UPDATE, not read-then-write: of two sign-ins sending the same code at the
    # same instant, the database lets exactly one change the row (the other sees used_at set).
    spent = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _changed_rows(spent) == 1


def _changed_rows(result) -> int:
    return getattr(result, "rowcount", 0)


def _claim_step(user: User, step: int) -> bool:
    """Move ``user``'s last used app-code step to ``step``, unless another request already did (or went past)."""
    claimed = db.session.execute(
        db.update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if _changed_rows(claimed) != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def enable(user: User, secret: str, step: int) -> list[str]:
    """Turn on 2-step sign-in with a confirmed secret; return the new recovery codes to show once."""
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return replace_recovery_codes(user)


def disable(user: User) -> None:
    """Turn off 2-step sign-in and delete the recovery codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def check_sign_in_code(user: User, code: str) -> str | None:
    """Accept an app code or a recovery code for ``user``: return ``"app"``, ``"recovery"`` or None."""
    if not user.totp_secret:  # 2-step sign-in is off
        return None
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step)
    if step is not None and _claim_step(user, step):
        return "app"
    if use_recovery_code(user, code):
        return "recovery"
    return None


def two_step_required() -> bool:
    """Return True when an administrator requires 2-step sign-in for every staff account."""
    setting = db.session.get(ClinicSetting, REQUIRE_TWO_STEP)
    return setting is not None and setting.value == "yes"


def set_two_step_required(required: bool) -> None:
    """Require (or stop requiring) 2-step sign-in for everyone from their next sign-in."""
    setting = db.session.get(ClinicSetting, REQUIRE_TWO_STEP)
    if setting is None:
        setting = ClinicSetting(name=REQUIRE_TWO_STEP)
        db.session.add(setting)
    setting.value = "yes" if required else "no"
