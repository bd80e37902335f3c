"""Settings for each environment, read from environment variables."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
#: Where the SQLite database and generated keys live (INTAKE_INSTANCE_PATH moves it, e.g. for a second copy).
INSTANCE_DIR = Path(os.environ.get("INTAKE_INSTANCE_PATH") or BASE_DIR / "instance")

#: Keys once published in this repository or its docs: refused in every configuration but testing.
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "development-only-secret-key"}
#: Keys kept outside the database: the setting (and environment variable) and the file under instance/
#: that holds it when it is generated on first run (mode 0600).
KEY_FILES = {
    "SECRET_KEY": "secret_key",
    "TOTP_ENCRYPTION_KEY": "totp_encryption_key",
    "AUDIT_KEY": "audit_key",  # keys the audit chain and its checkpoints (intake.audit.chain)
}
#: Keys production takes only from the environment (a missing one refuses to start, never generated).
KEYS_REQUIRED_IN_PRODUCTION_ENVIRONMENT = ("SECRET_KEY",)
MINIMUM_KEY_LENGTH = 32


def _env_int(name, default):
    return int(os.environ.get(name, default))


class Config:
    """Defaults shared by every environment."""

    # No key is written here: each one in KEY_FILES comes from its environment variable when the app is
    # created, or is generated once into instance/ (intake.instance_keys); production refuses a missing SECRET_KEY.
    SECRET_KEY: str | None = None
    TOTP_ENCRYPTION_KEY: str | None = None
    AUDIT_KEY: str | None = None
    # Production refuses the debugger however it is turned on (FLASK_DEBUG, `flask run --debug`, app.run).
    REFUSE_DEBUGGER = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'intake.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "Riverbend Acupuncture & Massage")
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "America/Edmonton")
    CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "780-555-0142")
    #: Where the clinic is, on the patient's thank-you pages (one line).
    CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "10150 Jasper Avenue NW, Suite 210, Edmonton, AB T5J 1W4")
    # Email to patients (form links): unset MAIL_SERVER means email is not set up, and links are copied instead.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # TLS from the first byte (usually port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_TIMEOUT_SECONDS = _env_int("MAIL_TIMEOUT_SECONDS", 10)
    # Where patients open their links, for links sent outside a request (send-check-ins): https://intake.example.ca
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    PATIENTS_PER_PAGE = _env_int("PATIENTS_PER_PAGE", 25)
    INTAKE_LINK_DAYS = _env_int("INTAKE_LINK_DAYS", 7)
    # Intake questionnaire: a clinic tablet's grant lasts a few hours; wrong link tokens are rate-limited per IP.
    INTAKE_KIOSK_HOURS = _env_int("INTAKE_KIOSK_HOURS", 4)
    INTAKE_KIOSK_IDLE_MINUTES = _env_int("INTAKE_KIOSK_IDLE_MINUTES", 10)  # then "Continue" + date of birth
    INTAKE_TOKEN_ATTEMPTS = _env_int("INTAKE_TOKEN_ATTEMPTS", 20)
    INTAKE_TOKEN_WINDOW_MINUTES = _env_int("INTAKE_TOKEN_WINDOW_MINUTES", 15)
    # Informed consent: bump the version whenever the text changes (each intake keeps the text it was signed on).
    INTAKE_CONSENT_VERSION = os.environ.get("INTAKE_CONSENT_VERSION", "2026-11")
    INTAKE_CONSENT_TEXT = os.environ.get(
        "INTAKE_CONSENT_TEXT",
        "I consent to assessment and treatment by this clinic's registered acupuncturists and massage "
        "therapists, which may include acupuncture, electro-acupuncture, moxibustion, cupping, gua sha and "
        "massage.\n\n"
        "I understand that treatment can cause soreness, bruising, minor bleeding, tiredness, light-headedness "
        "or fainting, and rarely infection, a burn or a broken needle; that acupuncture needles are sterile and "
        "used once; and that results are not guaranteed.\n\n"
        "I have told the clinic about my health conditions, medicines, allergies, pregnancy and any implanted "
        "device, and I will tell my practitioner if anything changes. I may ask questions, refuse or stop any "
        "treatment at any time, and withdraw this consent in writing.",
    )
    INTAKE_PRIVACY_TEXT = os.environ.get(
        "INTAKE_PRIVACY_TEXT",
        "The clinic collects your health information to assess and treat you, keeps it secure and "
        "confidential, and shares it only with your consent or where the law requires, as set out in "
        "the clinic's privacy policy, which the front desk can give you.",
    )
    # What a patient is told at once when their red-flag answers call for it (the clinic may reword both).
    URGENT_ADVICE_EMERGENCY = os.environ.get(
        "URGENT_ADVICE_EMERGENCY",
        "Some of your answers can be signs of pressure on the nerves at the base of the spine, which needs "
        "care today. Go to an emergency department now, or call 911. Do not wait for your appointment.",
    )
    URGENT_ADVICE_SEE_A_DOCTOR = os.environ.get(
        "URGENT_ADVICE_SEE_A_DOCTOR",
        "Some of your answers are worth checking with a doctor. Contact your doctor, or call Health Link "
        "at 811 (Alberta) for advice from a nurse, day or night. If you feel much worse, go to an emergency "
        "department or call 911.",
    )
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 0
    # CSRF is checked by intake.auth.csrf, which re-shows a long form when only its token expired.
    WTF_CSRF_CHECK_DEFAULT = False
    # Sessions on shared tablets, in seconds: signed out after this long without activity (with a
    # warning SESSION_IDLE_WARNING before), and after SESSION_ABSOLUTE_TIMEOUT whatever happens.
    SESSION_IDLE_TIMEOUT = _env_int("SESSION_IDLE_TIMEOUT", 15 * 60)
    SESSION_IDLE_WARNING = _env_int("SESSION_IDLE_WARNING", 60)
    SESSION_ABSOLUTE_TIMEOUT = _env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600)
    # Sign-in throttling: failures per account, and per client IP (the clinic's tablets share one IP).
    LOGIN_ACCOUNT_LIMIT = _env_int("LOGIN_ACCOUNT_LIMIT", 5)
    LOGIN_IP_LIMIT = _env_int("LOGIN_IP_LIMIT", 30)
    LOGIN_THROTTLE_MINUTES = _env_int("LOGIN_THROTTLE_MINUTES", 15)
    AUDIT_EVENTS_PER_PAGE = _env_int("AUDIT_EVENTS_PER_PAGE", 50)
    HSTS_SECONDS = 0
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust nothing).
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
    TESTING = False
    DEBUG = False

    @staticmethod
    def check(app):
        """Refuse settings that are unsafe for this environment."""
        for name in KEY_FILES:
            if app.config.get(name) in INSECURE_SECRET_KEYS:
                raise RuntimeError(f"{name} is a published example value: unset it to generate a random one.")


class DevelopmentConfig(Config):
    DEBUG = os.environ.get("FLASK_DEBUG", "0") == "1"


class TestingConfig(Config):
    TESTING = True
    # Fixed keys, for tests only (every other configuration generates its keys or refuses to start).
    SECRET_KEY = "testing-secret-key"
    TOTP_ENCRYPTION_KEY = "testing-totp-encryption-key"
    AUDIT_KEY = "testing-audit-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    ARGON2_FAST = True
    MAIL_SERVER = ""  # each test that sends starts its own SMTP server and names it


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 365 * 24 * 3600
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 1)
    DEBUG = False
    REFUSE_DEBUGGER = True

    @staticmethod
    def check(app):
        from intake.instance_keys import looks_random

        for name in KEYS_REQUIRED_IN_PRODUCTION_ENVIRONMENT:
            if not os.environ.get(name):
                raise RuntimeError(f"{name} must be set in the environment in production (see README: keys).")
        for name in KEY_FILES:
            key = app.config.get(name) or ""
            if key in INSECURE_SECRET_KEYS or len(key) < MINIMUM_KEY_LENGTH or not looks_random(key):
                raise RuntimeError(
                    f"{name} must be a random value of at least {MINIMUM_KEY_LENGTH} characters in production: "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production (a PostgreSQL URL).")
        if app.debug or os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
            raise RuntimeError("The debugger must never run in production (unset FLASK_DEBUG).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
