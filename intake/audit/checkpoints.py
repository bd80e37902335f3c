"""Signed checkpoints of the audit trail, kept outside the database: a file under instance/ and the app log.

A checkpoint is one JSON line: the newest event's id and hash, how many events the trail held up to it,
the id where the chain switched to the keyed hash ("hmac_from"), when it was written, and an HMAC-SHA256
signature of all that with the audit key. ``audit-verify`` compares the table against every checkpoint,
so deleting the newest events, or rebuilding the whole trail, is reported even though the chain itself
would look whole. Lines are appended with O_APPEND in one write each, so several workers never interleave.

The file belongs to its database: keep it (and the audit key) in the backups with the database, and
delete it only together with the database it describes.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

#: The checkpoint file's name under instance/ when AUDIT_CHECKPOINT_FILE is not set.
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
SIGNED_FIELDS = ("last_id", "last_hash", "count", "hmac_from", "written_at")

log = logging.getLogger("intake.audit")


@dataclass(frozen=True)
class Checkpoint:
    """What the trail held when the checkpoint was signed."""

    last_id: int
    last_hash: str
    count: int
    hmac_from: int | None
    written_at: str


@dataclass(frozen=True)
class CheckpointFile:
    """The checkpoints read from the file, and the lines whose signature does not verify."""

    path: Path
    checkpoints: tuple[Checkpoint, ...]
    forged_lines: tuple[int, ...]

    @property
    def hmac_from(self) -> int | None:
        """Return the id where the chain switched to the keyed hash, as the first checkpoint to know it says."""
        return next((c.hmac_from for c in self.checkpoints if c.hmac_from is not None), None)


def checkpoint_path(app: Flask) -> Path:
    """Return the checkpoint file of this app's audit trail."""
    configured = app.config.get("AUDIT_CHECKPOINT_FILE") or os.environ.get("AUDIT_CHECKPOINT_FILE")
    return Path(configured) if configured else Path(app.instance_path) / CHECKPOINT_FILE


def _signature(key: bytes, fields: dict) -> str:
    signed = json.dumps([fields[name] for name in SIGNED_FIELDS], separators=(",", ":"))
    return hmac.new(key, signed.encode("utf-8"), hashlib.sha256).hexdigest()


def write_checkpoint(
    app: Flask, key: bytes, *, last_id: int, last_hash: str, count: int, hmac_from: int | None
) -> Checkpoint:
    """Append a signed checkpoint to the file (one write, O_APPEND) and to the app log."""
    path = checkpoint_path(app)
    if hmac_from is None:
        hmac_from = read_checkpoints(app, key).hmac_from
    fields: dict = {
        "last_id": last_id,
        "last_hash": last_hash,
        "count": count,
        "hmac_from": hmac_from,
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    line = json.dumps({**fields, "signature": _signature(key, fields)}, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
    finally:
        os.close(descriptor)
    log.info("audit checkpoint %s", line)
    return Checkpoint(**fields)


#: How much of the file's end ``latest_checkpoint`` reads: a few dozen lines, the newest few workers' checkpoints.
TAIL_BYTES = 8192


def _verified(line: str, key: bytes) -> Checkpoint | None:
    """Return the checkpoint a line holds when its signature verifies with ``key``, else None."""
    try:
        record = json.loads(line)
        fields = {name: record[name] for name in SIGNED_FIELDS}
        signature = str(record["signature"])
    except (ValueError, KeyError, TypeError):
        return None
    if not hmac.compare_digest(signature, _signature(key, fields)):
        return None
    return Checkpoint(**fields)


def latest_checkpoint(app: Flask, key: bytes, *, up_to_id: int) -> Checkpoint | None:
    """Return the newest signed checkpoint at or before event ``up_to_id``, from the end of the file alone.

    A new checkpoint counts on from it rather than counting the whole trail again (a million events at each
    checkpoint), so only the file's last ``TAIL_BYTES`` are read; None when no signed line there qualifies
    (no file yet, or only newer checkpoints of other workers), and the caller then counts the whole trail.
    """
    try:
        with checkpoint_path(app).open("rb") as file:
            start = max(0, file.seek(0, os.SEEK_END) - TAIL_BYTES)
            file.seek(start)
            lines = file.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return None
    if start > 0:
        lines = lines[1:]  # the first line read may be the end of a longer one
    for line in reversed(lines):
        checkpoint = _verified(line, key) if line.strip() else None
        if checkpoint is not None and checkpoint.last_id <= up_to_id:
            return checkpoint
    return None


def read_checkpoints(app: Flask, key: bytes) -> CheckpointFile:
    """Read every checkpoint in the file, noting the lines that are not signed with ``key``."""
    path = checkpoint_path(app)
    found: list[Checkpoint] = []
    forged: list[int] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        checkpoint = _verified(line, key)
        if checkpoint is None:
            forged.append(number)
        else:
            found.append(checkpoint)
    return CheckpointFile(path, tuple(found), tuple(forged))
