"""Argon2id password hashing."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only


def _current_hasher() -> PasswordHasher:
    if current_app and current_app.config.get("ARGON2_FAST"):
        return _fast_hasher
    return _hasher


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _current_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when the password matches the stored hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


# A hash that a failed lookup verifies against, so an unknown email costs the same time.
DUMMY_HASH = _hasher.hash("no-such-account-placeholder")
