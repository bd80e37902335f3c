"""Argon2id password hashing and the rules for choosing a password."""

import re
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=2)
def _placeholder_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no-such-account-placeholder")


def dummy_hash() -> str:
    """Return the hash a failed lookup verifies against, so an unknown email costs what a known one does."""
    # Made on first use, not at import (a full Argon2 hash per import slowed every process that imports
    # auth), and by the hasher that makes real accounts' hashes, so the two costs stay equal.
    return _placeholder_hash(_current_hasher())


# --- Choosing a password ------------------------------------------------------------------

PASSWORD_MIN = 12
PASSWORD_MAX = 128
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"
_EDGE_DIGITS_AND_SYMBOLS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED_PATTERN = re.compile(r"(.{1,4})\1+", re.DOTALL)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the bundled list of common and breached passwords (lower case)."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """Return True when the password, or its core without edge digits and symbols, is a common one."""
    lowered = password.lower()
    core = _EDGE_DIGITS_AND_SYMBOLS.sub("", lowered)
    known = common_passwords()
    return (
        lowered in known or (len(core) >= 4 and core in known) or bool(_REPEATED_PATTERN.fullmatch(lowered))
    )


def password_problem(password: str) -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if is_common_password(password):
        return "This password is on a list of common or leaked passwords. Choose another, for example a few unrelated words."
    return None
