"""Staff accounts."""

from datetime import datetime

from flask import current_app
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from intake.auth.roles import ALL_ROLES, CLINICAL, ROLE_LABELS
from intake.database import UTCDateTime, utcnow
from intake.extensions import Model
from intake.instance_keys import decrypt_text, encrypt_text

#: What the TOTP encryption key is derived for (changing it makes every stored secret unreadable).
TOTP_SECRET_PURPOSE = "intake 2-step sign-in secrets"



def signature_name(full_name: str, designation: str | None) -> str:
    """A practitioner's name as printed on a signed note, e.g. 'Mei Chen, R.Ac' (an account's, or two columns)."""
    return f"{full_name}, {designation}" if designation else full_name

class User(Model):
    """A staff member who signs in: administrator, practitioner or front desk."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{role}'" for role in ALL_ROLES) + ")", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    designation: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: The base32 TOTP secret once 2-step sign-in is confirmed, encrypted (Fernet) with TOTP_ENCRYPTION_KEY,
    #: which lives outside the database; None while 2-step sign-in is off. Read and set it as ``totp_secret``.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The 30-second time step of the last code accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it ends every session.
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL

    @property
    def signature_name(self) -> str:
        """Name as printed on a signed note, e.g. 'Mei Chen, R.Ac'."""
        return signature_name(self.full_name, self.designation)

    @property
    def totp_secret(self) -> str | None:
        """The clear TOTP secret, decrypted with the key kept outside the database."""
        if self.totp_secret_encrypted is None:
            return None
        return decrypt_text(
            current_app.config["TOTP_ENCRYPTION_KEY"], TOTP_SECRET_PURPOSE, self.totp_secret_encrypted
        )

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        self.totp_secret_encrypted = (
            None
            if secret is None
            else encrypt_text(current_app.config["TOTP_ENCRYPTION_KEY"], TOTP_SECRET_PURPOSE, secret)
        )

    @property
    def has_two_step(self) -> bool:
        return self.totp_secret_encrypted is not None

    def end_sessions(self) -> None:
        """Invalidate every session cookie issued to this account."""
        self.session_version = (self.session_version or 1) + 1

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(Model):
    """A one-time code that signs in when the authenticator app is lost; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClinicSetting(Model):
    """A clinic-wide setting changed by administrators, e.g. ``require_two_step``."""

    __tablename__ = "clinic_setting"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def normalize_email(email: str) -> str:
    """Return the form of an email address used to store and compare it."""
    return (email or "").strip().lower()


# Sign-in attempts are counted in the database; register that table with the accounts it protects.
import intake.throttle  # noqa: E402,F401
