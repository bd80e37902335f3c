"""Keys the app keeps outside the database: from the environment, or generated once into ``instance/``.

A key written in the code or the database is no key: anyone who reads the repository or a backup has it.
Each key is read from its environment variable when set; otherwise it is generated on first use into a
file under the instance folder (mode 0600) and reused from there, so a restart keeps sessions, audit
chains and encrypted secrets working. Two workers starting at once agree on one key: the file is written
whole under a temporary name and linked into place, and the loser reads the winner's.
"""

import base64
import math
import os
import secrets
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Random bytes in a generated key (256 bits), written as URL-safe text.
GENERATED_KEY_BYTES = 32
#: A key with less estimated randomness than this is refused where a real key is required (32 random hex
#: digits estimate about 115 bits; "a" * 32 estimates 0).
MINIMUM_KEY_BITS = 100
MINIMUM_DISTINCT_CHARACTERS = 10


def instance_key(instance_dir: str | os.PathLike, name: str) -> str:
    """Return the key kept in ``instance_dir/name``, generating it (mode 0600) on first use."""
    folder = Path(instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        temporary = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(GENERATED_KEY_BYTES) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker linked its key first; use that one
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"The key file {path} is empty: delete it to generate a new key.")
    return key


def estimated_key_bits(key: str) -> float:
    """Estimate the randomness of ``key`` in bits from its character frequencies (a repeated or short key scores low)."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_character = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_character * len(key)


def looks_random(key: str) -> bool:
    """True when ``key`` is long and varied enough to be a generated secret (not "aaaa…" or "abcabc…")."""
    return (
        len(set(key)) >= MINIMUM_DISTINCT_CHARACTERS and estimated_key_bits(key) >= MINIMUM_KEY_BITS
    )


def fernet_key(key: str, purpose: str) -> bytes:
    """Derive the Fernet key for ``purpose`` from ``key`` (HKDF-SHA256), so one random text serves as the source."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode("utf-8")).derive(
        key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


def encrypt_text(key: str, purpose: str, clear: str) -> str:
    """Encrypt ``clear`` with the key derived for ``purpose`` (Fernet: AES-128-CBC with an HMAC, timestamped)."""
    return Fernet(fernet_key(key, purpose)).encrypt(clear.encode("utf-8")).decode("ascii")


def decrypt_text(key: str, purpose: str, token: str) -> str:
    """Decrypt what ``encrypt_text`` made; a wrong key or an altered token raises a clear RuntimeError."""
    try:
        return Fernet(fernet_key(key, purpose)).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise RuntimeError(
            f"A value encrypted for {purpose!r} cannot be read with this key: the key file in instance/ "
            "or the environment variable is not the one it was encrypted with."
        ) from exc
