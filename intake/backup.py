"""``flask --app wsgi backup PATH`` and ``restore PATH``: the database and instance/'s keys, checksummed.

A backup is a new folder (mode 0700) of 0600 files: the database (SQLite through its online backup API,
a consistent copy even while tablets write — never a file copy of a live WAL database; PostgreSQL as a
``pg_dump -Fc`` archive), the key files found in instance/ (config.KEY_FILES) and the audit checkpoint
file, a manifest, and ``SHA256SUMS`` (``sha256sum -c`` reads it). The key files and checkpoints are copied
before the database, so every checkpoint in the backup describes events the copied database holds.

``restore`` checks every checksum first, refuses a backup whose schema revision these migrations do not know
(made by a newer version), refuses to replace a database that holds data (or keys and checkpoints in use)
without ``--force``, restores the database and the files, migrates a backup of an older schema up to this
version's, then runs ``audit-verify``.
It holds the clinic's keys: keep it as safe as the database itself, somewhere else (README).
"""

import glob
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError

from config import KEY_FILES
from intake.audit import checkpoints
from intake.extensions import db

#: Version of the folder's layout, written in the manifest and checked on restore.
BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
KEY_FOLDER = "keys"
#: Tables whose rows the migrations put there themselves: they do not make a database "hold data".
SEEDED_TABLES = {"counter"}
CHUNK = 1024 * 1024


def database_kind(engine: Engine) -> str:
    """Return "sqlite" or "postgresql" for the app's database; refuse any other."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise click.ClickException(f"Backups are made of SQLite and PostgreSQL databases, not {name}.")
    return name


def shown_url(url: URL) -> str:
    """Return the database URL as messages show it (never the password)."""
    return url.render_as_string(hide_password=True)


def sqlite_path(engine: Engine) -> Path:
    """Return the file of the app's SQLite database; refuse an in-memory one."""
    database = engine.url.database
    if database in (None, "", ":memory:") or str(database).startswith("file::memory:"):
        raise click.ClickException(
            "The database is in memory (sqlite://): there is no file to back up or restore."
        )
    return Path(str(database))


def pg_tool(name: str) -> str:
    """Return the path of PostgreSQL's ``name`` (pg_dump, pg_restore, psql), on PATH or under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda each: int(Path(each).parts[4]) if Path(each).parts[4].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise click.ClickException(
        f"{name} was not found (on PATH or in /usr/lib/postgresql/*/bin): install postgresql-client "
        "(apt-get install postgresql-client) of the server's major version or newer."
    )


def pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """Return the libpq connection string for ``url`` and the environment carrying its password (never argv)."""
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    fields.update({key: value for key, value in url.query.items() if isinstance(value, str)})

    def quoted(value) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    conninfo = " ".join(f"{key}={quoted(value)}" for key, value in fields.items() if value not in (None, ""))
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return conninfo, environment


def _reason(exc: SQLAlchemyError) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def check_reachable(engine: Engine) -> None:
    """Refuse, with a message, a database that cannot be reached (a SQLite file must already exist)."""
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine)
        if not path.is_file():
            raise click.ClickException(f"There is no SQLite database at {path}.")
        return
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"Cannot reach the database {shown_url(engine.url)}: {_reason(exc)}"
        ) from None


def rows_held(engine: Engine) -> dict[str, int]:
    """Return the row count of each of the app's tables that holds rows (seeded tables left out)."""
    if engine.dialect.name == "sqlite" and not sqlite_path(engine).exists():
        return {}
    try:
        existing = set(inspect(engine).get_table_names())
        held = {}
        with engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                if table.name in existing and table.name not in SEEDED_TABLES:
                    count = connection.execute(db.select(db.func.count()).select_from(table)).scalar_one()
                    if count:
                        held[table.name] = count
        return held
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"Cannot read the database {shown_url(engine.url)}: {_reason(exc)}"
        ) from None


def schema_revision(engine: Engine) -> str | None:
    """Return the migration the database is at (None when it has no alembic_version table)."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_private(path: Path, content: bytes) -> None:
    """Write a new file with mode 0600 (refusing to replace one)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def replace_private(path: Path, content: bytes) -> None:
    """Put ``content`` at ``path`` whole (a 0600 temporary file renamed over it)."""
    temporary = path.with_name(f".{path.name}.restoring.{os.getpid()}")
    if temporary.exists():
        temporary.unlink()
    write_private(temporary, content)
    os.replace(temporary, path)


def key_file_paths(app: Flask) -> dict[str, Path]:
    """Return each key's file under instance/ (config.KEY_FILES), by file name."""
    return {file_name: Path(app.instance_path) / file_name for file_name in KEY_FILES.values()}


def copy_sqlite(source: Path, target: Path, busy_timeout_ms: int) -> None:
    """Copy the SQLite database ``source`` to the new file ``target`` with the online backup API, then check it."""
    write_private(target, b"")
    try:
        with closing(sqlite3.connect(source, timeout=busy_timeout_ms / 1000)) as reader:
            with closing(sqlite3.connect(target)) as writer:
                reader.backup(writer)  # one step: a consistent snapshot, while writers go on in the WAL
                writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                result = writer.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise click.ClickException(f"Could not back up the SQLite database {source}: {exc}") from None
    if result != "ok":
        raise click.ClickException(f"The copy of {source} fails SQLite's integrity check: {result}")


def dump_postgres(url: URL, target: Path) -> None:
    """Write the PostgreSQL database at ``url`` to ``target`` with ``pg_dump -Fc``."""
    conninfo, environment = pg_connection(url)
    write_private(target, b"")
    completed = subprocess.run(  # noqa: S603  (fixed program, no shell)
        [pg_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={conninfo}"],
        env=environment,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise click.ClickException(f"pg_dump failed for {shown_url(url)}: {completed.stderr.strip()}")
    os.chmod(target, 0o600)


def write_backup(app: Flask, folder: Path, *, with_keys: bool = True) -> list[str]:
    """Write a backup of the app's database and instance/ files into the new ``folder``; return what it says."""
    engine = db.engine
    kind = database_kind(engine)
    if folder.exists() or folder.is_symlink():
        raise click.ClickException(
            f"{folder} already exists: a backup goes into a new folder, never over one."
        )
    if not folder.parent.is_dir():
        raise click.ClickException(f"The folder {folder.parent} does not exist: create it first.")
    check_reachable(engine)
    if kind == "postgresql":
        pg_tool("pg_dump")
    messages = []
    folder.mkdir(mode=0o700)
    try:
        (folder / KEY_FOLDER).mkdir(mode=0o700)
        key_files = []
        # Keys and checkpoints first: a checkpoint signed after the database copy would name events it lacks.
        for file_name, path in key_file_paths(app).items():
            if with_keys and path.is_file():
                write_private(folder / KEY_FOLDER / file_name, path.read_bytes())
                key_files.append(file_name)
        for name, file_name in KEY_FILES.items():
            if not with_keys:
                messages.append(f"{name} is not in the backup (--without-keys): keep it safe separately.")
            elif file_name not in key_files:
                where = "the environment" if os.environ.get(name) else "the configuration"
                messages.append(
                    f"{name} is not in instance/ (it comes from {where}): keep it safe separately."
                )
        checkpoint_source = checkpoints.checkpoint_path(app)
        has_checkpoints = checkpoint_source.is_file()
        if has_checkpoints:
            write_private(folder / CHECKPOINT_FILE, checkpoint_source.read_bytes())
        database_file = SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE
        if kind == "sqlite":
            copy_sqlite(sqlite_path(engine), folder / database_file, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        else:
            dump_postgres(engine.url, folder / database_file)
        manifest = {
            "format": BACKUP_FORMAT,
            "database": kind,
            "database_file": database_file,
            "schema_revision": schema_revision(engine),
            "key_files": key_files,
            "checkpoint_file": CHECKPOINT_FILE if has_checkpoints else None,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        write_private(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
        listed = [MANIFEST, database_file, *(f"{KEY_FOLDER}/{name}" for name in key_files)]
        if has_checkpoints:
            listed.append(CHECKPOINT_FILE)
        sums = "".join(f"{sha256_of(folder / name)}  {name}\n" for name in listed)
        write_private(folder / CHECKSUMS, sums.encode("utf-8"))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no half-written folder that looks like a backup
        raise
    size = (folder / database_file).stat().st_size
    messages.insert(
        0,
        f"Backed up the {kind} database ({size} bytes), {len(key_files)} key files"
        f"{' and the audit checkpoints' if has_checkpoints else ''} to {folder} (checksums in {CHECKSUMS}).",
    )
    return messages


@dataclass(frozen=True)
class Backup:
    """A backup folder whose every checksum matched."""

    folder: Path
    manifest: dict

    @property
    def database_file(self) -> Path:
        return self.folder / self.manifest["database_file"]

    def key_bytes(self) -> dict[str, bytes]:
        return {name: (self.folder / KEY_FOLDER / name).read_bytes() for name in self.manifest["key_files"]}

    def checkpoint_bytes(self) -> bytes | None:
        name = self.manifest.get("checkpoint_file")
        return (self.folder / name).read_bytes() if name else None


def read_backup(folder: Path) -> Backup:
    """Check every file of the backup ``folder`` against SHA256SUMS; refuse, naming the file, on any mismatch."""
    if not folder.is_dir():
        raise click.ClickException(f"{folder} is not a backup folder (it does not exist or is not a folder).")
    sums_path = folder / CHECKSUMS
    if not sums_path.is_file():
        raise click.ClickException(f"{folder} is not a backup: {CHECKSUMS} is missing.")
    expected: dict[str, str] = {}
    for number, line in enumerate(sums_path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or "/.." in f"/{name}" or name.startswith("/"):
            raise click.ClickException(f"{CHECKSUMS} in {folder} is damaged at line {number}.")
        expected[name] = digest
    if MANIFEST not in expected:
        raise click.ClickException(
            f"{CHECKSUMS} in {folder} does not list {MANIFEST}: the backup is incomplete."
        )
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise click.ClickException(f"The backup is incomplete: {name} is missing from {folder}.")
        if sha256_of(path) != digest:
            raise click.ClickException(
                f"The backup is corrupt or truncated: {name} does not match its SHA-256 in {CHECKSUMS}."
            )
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except ValueError:
        raise click.ClickException(f"{MANIFEST} in {folder} cannot be read.") from None
    if not isinstance(manifest, dict):
        raise click.ClickException(f"{MANIFEST} in {folder} cannot be read.")
    if manifest.get("format") != BACKUP_FORMAT:
        raise click.ClickException(f"{folder} is a backup of another format ({manifest.get('format')!r}).")
    needed = [manifest.get("database_file"), *(f"{KEY_FOLDER}/{n}" for n in manifest.get("key_files", []))]
    if manifest.get("checkpoint_file"):
        needed.append(manifest["checkpoint_file"])
    missing = [str(name) for name in needed if name not in expected]
    if missing:
        raise click.ClickException(
            f"The backup is incomplete: {', '.join(missing)} not listed in {CHECKSUMS}."
        )
    return Backup(folder, manifest)


def migration_scripts(app: Flask) -> ScriptDirectory:
    """Return this version's migrations (the folder the factory gave Flask-Migrate)."""
    return ScriptDirectory(app.extensions["migrate"].directory)


def code_head(app: Flask) -> str:
    """Return the schema revision this version of the code expects (the migrations' head)."""
    return " + ".join(migration_scripts(app).get_heads())


def check_schema_revision(app: Flask, backup: Backup) -> str:
    """Return the backup's schema revision; refuse one these migrations do not know (a newer version's)."""
    revision = backup.manifest.get("schema_revision")
    head = code_head(app)
    if not isinstance(revision, str) or not revision:
        raise click.ClickException(
            f"{backup.folder} records no schema revision: it was not made from a database built by the "
            "migrations, and cannot be restored safely."
        )
    if revision not in {script.revision for script in migration_scripts(app).walk_revisions()}:
        raise click.ClickException(
            f"{backup.folder} was made by a newer version of Intake (schema revision {revision}; this version "
            f"knows revisions up to {head}). Restore it with the version that made it, or a newer one."
        )
    return revision


def migrate_up(app: Flask, revision: str) -> str | None:
    """Migrate the restored database from ``revision`` up to the code's head; return a message if it moved."""
    head = code_head(app)
    if revision == head:
        return None
    # Alembic's env.py calls logging.config.fileConfig, which disables every logger that exists by then.
    loggers = [each for each in logging.root.manager.loggerDict.values() if isinstance(each, logging.Logger)]
    disabled_before = {each: each.disabled for each in loggers}
    try:
        upgrade()
    except Exception as exc:  # a migration's own error, shown with what to do next
        raise click.ClickException(
            f"Restored the backup at schema revision {revision}, but migrating it up to {head} failed: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}. Fix the cause, "
            "then run `flask --app wsgi db upgrade` and `flask --app wsgi audit-verify`."
        ) from None
    finally:
        for each, disabled in disabled_before.items():
            each.disabled = disabled
        db.session.remove()
        db.engine.dispose()
    return f"Migrated the restored database from schema revision {revision} up to {head}."


def restore_sqlite(source: Path, target: Path, busy_timeout_ms: int) -> None:
    """Copy the backup's SQLite file into ``target`` with the online backup API (writers wait, then see it)."""
    if not target.exists():
        write_private(target, b"")
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as reader:
            with closing(sqlite3.connect(target, timeout=busy_timeout_ms / 1000)) as writer:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode = WAL")
                result = writer.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise click.ClickException(f"Could not restore into the SQLite database {target}: {exc}") from None
    if result != "ok":
        raise click.ClickException(f"The restored database {target} fails SQLite's integrity check: {result}")


#: What the restore runs first, in the same transaction: the schema as it is goes, whatever version made it
#: (``pg_restore --clean`` drops only what the backup holds, and a newer table's references stop it).
EMPTY_SCHEMA = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
#: A schema the backup creates besides public, as pg_restore writes it (a plain or a double-quoted name).
CREATED_SCHEMA = re.compile(r'^CREATE SCHEMA ("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*);$', re.MULTILINE)


def emptying_statements(script: str) -> str:
    """Return the SQL that clears the way for ``script``: public emptied, and each schema it creates dropped."""
    others = [f"DROP SCHEMA IF EXISTS {name} CASCADE;\n" for name in CREATED_SCHEMA.findall(script)]
    return EMPTY_SCHEMA + "".join(others)


def restore_postgres(source: Path, url: URL) -> None:
    """Restore the ``pg_dump -Fc`` archive into the database at ``url``, all or nothing (one transaction)."""
    conninfo, environment = pg_connection(url)
    with tempfile.TemporaryDirectory(prefix="intake-restore-") as work:
        preamble, script = Path(work) / "empty-schema.sql", Path(work) / "backup.sql"
        write_private(script, b"")
        converted = subprocess.run(  # noqa: S603  (fixed program, no shell)
            [pg_tool("pg_restore"), "--exit-on-error", f"--file={script}", str(source)],
            env=environment,
            capture_output=True,
            text=True,
        )
        if converted.returncode != 0:
            raise click.ClickException(
                f"pg_restore could not read the backup (nothing was changed): {converted.stderr.strip()}"
            )
        write_private(preamble, emptying_statements(script.read_text(encoding="utf-8")).encode())
        completed = subprocess.run(  # noqa: S603  (fixed program, no shell)
            [
                pg_tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={conninfo}",
                f"--file={preamble}",
                f"--file={script}",
            ],
            env=environment,
            capture_output=True,
            text=True,
        )
    if completed.returncode != 0:
        raise click.ClickException(
            f"Restoring into {shown_url(url)} failed (nothing was changed): {completed.stderr.strip()}"
        )


def set_aside(path: Path) -> Path:
    """Rename ``path`` to a dated name beside it (kept, never deleted) and return the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.replaced-{stamp}")
    os.replace(path, kept)
    return kept


def restore_backup(app: Flask, backup: Backup, *, force: bool) -> list[str]:
    """Restore ``backup`` into the app's database and instance/; refuse what would replace data without force."""
    engine = db.engine
    kind = database_kind(engine)
    if backup.manifest.get("database") != kind:
        raise click.ClickException(
            f"This is a backup of a {backup.manifest.get('database')} database; the app uses {kind}."
        )
    revision = check_schema_revision(app, backup)
    if kind == "sqlite":
        target = sqlite_path(engine)
        if not target.parent.is_dir():
            raise click.ClickException(f"The folder {target.parent} of the database does not exist.")
    else:
        check_reachable(engine)
        pg_tool("pg_restore")
        pg_tool("psql")
    held = rows_held(engine)
    if held and not force:
        shown = ", ".join(f"{count} {table}" for table, count in sorted(held.items()))
        raise click.ClickException(
            f"The database {shown_url(engine.url)} already holds data ({shown}): restoring replaces it. "
            "Back it up first, then add --force to replace it."
        )
    checkpoint_target = checkpoints.checkpoint_path(app)
    in_use = bool(held) or (checkpoint_target.is_file() and checkpoint_target.stat().st_size > 0)
    key_targets = key_file_paths(app)
    backup_keys = backup.key_bytes()
    different = [
        name
        for name, content in backup_keys.items()
        if key_targets[name].is_file() and key_targets[name].read_bytes() != content
    ]
    backup_checkpoints = backup.checkpoint_bytes()
    if in_use and different and not force:
        raise click.ClickException(
            f"{app.instance_path} holds different keys ({', '.join(different)}) in use with signed audit "
            "checkpoints of another database: add --force to replace them (the old files are kept beside them)."
        )
    # Keys the app loaded from its files (not the environment or configuration) are reloaded after the restore.
    from_files = {
        name
        for name, file_name in KEY_FILES.items()
        if key_targets[file_name].is_file()
        and app.config.get(name) == key_targets[file_name].read_text().strip()
    }

    db.session.remove()
    engine.dispose()
    if kind == "sqlite":
        restore_sqlite(backup.database_file, sqlite_path(engine), app.config["SQLITE_BUSY_TIMEOUT_MS"])
    else:
        restore_postgres(backup.database_file, engine.url)
    engine.dispose()
    messages = [f"Restored the {kind} database {shown_url(engine.url)} from {backup.folder}."]

    for name, content in backup_keys.items():
        path = key_targets[name]
        if path.is_file() and path.read_bytes() == content:
            continue
        if path.is_file():
            messages.append(f"Kept the replaced {name} as {set_aside(path).name}.")
        replace_private(path, content)
        messages.append(f"Restored the key file {name} into {app.instance_path}.")
    # The checkpoints describe one database: those of the replaced one go aside, the backup's take their place.
    if checkpoint_target.is_file() and checkpoint_target.read_bytes() != backup_checkpoints:
        if checkpoint_target.stat().st_size > 0:
            messages.append(f"Kept the replaced audit checkpoints as {set_aside(checkpoint_target).name}.")
        else:
            checkpoint_target.unlink()
    if backup_checkpoints is not None and not checkpoint_target.is_file():
        checkpoint_target.parent.mkdir(parents=True, exist_ok=True)
        replace_private(checkpoint_target, backup_checkpoints)
        messages.append(f"Restored the audit checkpoints into {checkpoint_target}.")

    for name, file_name in KEY_FILES.items():
        if name in from_files and key_targets[file_name].is_file() and not os.environ.get(name):
            app.config[name] = key_targets[file_name].read_text().strip()
        elif file_name in backup_keys and backup_keys[file_name].decode().strip() != app.config.get(name):
            messages.append(
                f"{name} is set in the environment or configuration and differs from the backup's {file_name}: "
                "the app keeps using the setting."
            )
    app.extensions.pop("audit_key", None)  # cached by intake.audit.chain; read again from the config
    # Last, with the backup's keys and checkpoints in place: a failed migration leaves a whole restore behind.
    migrated = migrate_up(app, revision)
    if migrated:
        messages.append(migrated)
    return messages


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--without-keys", is_flag=True, help="Leave the key files out (when they are kept elsewhere).")
@with_appcontext
def backup_command(path: Path, without_keys: bool) -> None:
    """Back up the database and instance/'s keys and audit checkpoints into the new folder PATH."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for message in write_backup(app, path, with_keys=not without_keys):
        click.echo(message)


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data, and different keys.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore the backup folder PATH (checksums checked), then run audit-verify on what was restored."""
    from intake.audit.commands import audit_verify_command

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backup = read_backup(path)
    for message in restore_backup(app, backup, force=force):
        click.echo(message)
    click.echo("Running audit-verify on the restored database:")
    try:
        click.get_current_context().invoke(audit_verify_command)
    except click.ClickException as exc:
        raise click.ClickException(f"Restored, but audit-verify failed: {exc.message}") from None
