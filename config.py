"""Settings for each environment, read from environment variables."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

INSECURE_SECRET_KEYS = {"", "dev", "change-me", "development-only-secret-key"}


def _env_int(name, default):
    return int(os.environ.get(name, default))


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'intake.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "Riverbend Acupuncture & Massage")
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "America/Edmonton")
    PATIENTS_PER_PAGE = _env_int("PATIENTS_PER_PAGE", 25)
    INTAKE_LINK_DAYS = _env_int("INTAKE_LINK_DAYS", 7)
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 0
    TESTING = False
    DEBUG = False

    @staticmethod
    def check(app):
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    DEBUG = os.environ.get("FLASK_DEBUG", "0") == "1"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    ARGON2_FAST = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"

    @staticmethod
    def check(app):
        secret = os.environ.get("SECRET_KEY", "")
        if secret in INSECURE_SECRET_KEYS or len(secret) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production."
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production (a PostgreSQL URL).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
