"""``backup`` and ``restore``: a consistent copy taken while tablets write, restored whole, and refusals.

Each test builds its apps with instance folders of its own and keys generated into them (not the testing
configuration's fixed keys), so the key files travel through the backup as in production. On PostgreSQL
(TEST_DATABASE_URL) the backup is a pg_dump archive restored into a second database named after it.
"""

import hashlib
import json
import logging
import shutil
import sqlite3
import stat
import threading
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import KEY_FILES
from intake import create_app
from intake.audit.models import AuditEvent
from intake.backup import schema_revision
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import PainScore
from intake.patients.models import Patient
from tests.conftest import PASSWORD, TEST_DATABASE_URL, _create_database_if_missing, _reset_postgres, sign_in

WRITERS = 3
WRITES_EACH = 15
#: Acknowledged writes to wait for before the backup starts (the rest run while it is taken).
WRITES_BEFORE_BACKUP = 8
KEY_FILE_NAMES = sorted(KEY_FILES.values())


def _clinic_app(instance: Path, url: str):
    """Return an app whose keys are generated into ``instance`` (as in production), on the database ``url``."""
    return create_app(
        "testing",
        instance_path=str(instance),
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY=None,
        TOTP_ENCRYPTION_KEY=None,
        AUDIT_KEY=None,
        AUDIT_CHECKPOINT_FILE=None,
    )


def _restore_database_url() -> str:
    url = make_url(TEST_DATABASE_URL)
    return url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)


def _empty_postgres(url: str) -> None:
    _create_database_if_missing(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def source_app(database_template, tmp_path):
    """The clinic's running app: a migrated database and keys generated into its instance folder."""
    instance = tmp_path / "source-instance"
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        instance.mkdir()
        shutil.copy(database_template, instance / "intake.sqlite3")
        url = f"sqlite:///{instance / 'intake.sqlite3'}"
    app = _clinic_app(instance, url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_app(tmp_path):
    """A second install: a new instance folder and an empty database (no file yet on SQLite)."""
    instance = tmp_path / "restored-instance"
    if TEST_DATABASE_URL:
        url = _restore_database_url()
        _empty_postgres(url)
    else:
        instance.mkdir()
        url = f"sqlite:///{instance / 'intake.sqlite3'}"
    app = _clinic_app(instance, url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _make_staff(app, email="desk@clinic.example", role="front_desk"):
    from intake.auth.operations import create_user

    with app.app_context():
        create_user(email=email, full_name=f"Staff {role}", role=role, password=PASSWORD, designation="")
        db.session.commit()
    return email


def _register(client, n: int) -> int:
    response = client.post(
        "/patients/new",
        data={
            "first_name": f"Writer{n}",
            "last_name": "Backup",
            "date_of_birth": "1970-01-01",
            "phone": f"780{n:07d}",  # a phone of their own: the same phone as another chart asks first
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _patient_ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(db.select(Patient.id)))


def _no_traceback(result) -> None:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_backup_taken_while_tablets_write_restores_every_acknowledged_row(source_app, fresh_app, tmp_path):
    email = _make_staff(source_app)
    practitioner = _make_staff(source_app, "needles@clinic.example", role="practitioner")
    zone = ZoneInfo(source_app.config["CLINIC_TIMEZONE"])
    first_check_in = utcnow().astimezone(zone).replace(second=0, microsecond=0) - timedelta(days=1)
    acknowledged: list[int] = []
    checked_in: list[str] = []  # the clinic-time minute of each acknowledged check-in (one per minute)
    lock = threading.Lock()
    enough_before_backup = threading.Event()
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        client = source_app.test_client()
        try:
            assert sign_in(client, email).status_code == 302
            for each in range(WRITES_EACH):
                patient_id = _register(client, number * 1000 + each)
                with lock:
                    acknowledged.append(patient_id)
                    if len(acknowledged) >= WRITES_BEFORE_BACKUP:
                        enough_before_backup.set()
        except BaseException as exc:  # reported by the test below, not lost in the thread
            failures.append(exc)
            enough_before_backup.set()

    def check_in_writer() -> None:
        client = source_app.test_client()
        try:
            assert sign_in(client, practitioner).status_code == 302
            patient_id = _register(client, 999)
            with lock:
                acknowledged.append(patient_id)
            for each in range(WRITES_EACH):
                minute = (first_check_in - timedelta(minutes=each)).strftime("%Y-%m-%dT%H:%M")
                response = client.post(
                    f"/patients/{patient_id}/pain/check-in",
                    data={"recorded_at": minute, "pain-lower_back_l": str(each % 11), "pain-hip_r": "3"},
                )
                assert response.status_code == 302, response.get_data(as_text=True)[:500]
                with lock:
                    checked_in.append(minute)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads.append(threading.Thread(target=check_in_writer))
    for thread in threads:
        thread.start()
    assert enough_before_backup.wait(timeout=120)
    runner = source_app.test_cli_runner()
    signed = runner.invoke(args=["audit-verify"])  # a checkpoint in the file, so the backup carries one
    assert signed.exit_code == 0, signed.output
    with lock:
        committed_before_backup = set(acknowledged)
        checked_in_before_backup = set(checked_in)
    backup = tmp_path / "backups" / "nightly"
    backup.parent.mkdir()
    result = runner.invoke(args=["backup", str(backup)])
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output and "3 key files and the audit checkpoints" in result.output

    files = sorted(str(p.relative_to(backup)) for p in backup.rglob("*") if p.is_file())
    database_file = "database.sqlite3" if not TEST_DATABASE_URL else "database.pgdump"
    assert files == sorted(
        ["SHA256SUMS", "manifest.json", database_file, "audit-checkpoints.jsonl"]
        + [f"keys/{name}" for name in KEY_FILE_NAMES]
    )
    for name in files:
        assert stat.S_IMODE((backup / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700

    restored = fresh_app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "Audit trail intact" in restored.output

    if not TEST_DATABASE_URL:
        target = Path(fresh_app.instance_path) / "intake.sqlite3"
        with sqlite3.connect(target) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored_ids = _patient_ids(fresh_app)
    assert committed_before_backup <= restored_ids
    assert restored_ids <= set(acknowledged)  # nothing made up; writes after the snapshot may be missing
    with fresh_app.app_context():
        created = set(
            db.session.scalars(
                db.select(AuditEvent.patient_id).where(
                    AuditEvent.action == "create", AuditEvent.record_type == "patient"
                )
            )
        )
    assert restored_ids == created  # each restored patient with its audit event, none without
    with fresh_app.app_context():
        scores = db.session.execute(db.select(PainScore.recorded_at, PainScore.region_code)).all()
    restored_check_ins = {when.astimezone(zone).strftime("%Y-%m-%dT%H:%M") for when, _ in scores}
    assert checked_in_before_backup <= restored_check_ins <= set(checked_in)
    assert len(scores) == 2 * len(restored_check_ins)  # each check-in whole: both of its regions
    for name in KEY_FILE_NAMES:
        restored_key = Path(fresh_app.instance_path) / name
        assert restored_key.read_bytes() == (Path(source_app.instance_path) / name).read_bytes()
        assert stat.S_IMODE(restored_key.stat().st_mode) == 0o600

    # A new process on the restored install (keys read from the restored files) finds the trail intact.
    with fresh_app.app_context():
        db.engine.dispose()
    reopened = _clinic_app(Path(fresh_app.instance_path), fresh_app.config["SQLALCHEMY_DATABASE_URI"])
    verified = reopened.test_cli_runner().invoke(args=["audit-verify"])
    assert verified.exit_code == 0, verified.output
    assert "Audit trail intact" in verified.output and "signed checkpoints matched" in verified.output
    client = reopened.test_client()
    assert sign_in(client, email).status_code == 302
    assert client.get(f"/patients/{min(committed_before_backup)}").status_code == 200
    with reopened.app_context():
        db.engine.dispose()


@pytest.fixture
def backup_folder(source_app, tmp_path):
    """A backup of a clinic with one patient and a signed checkpoint."""
    email = _make_staff(source_app)
    client = source_app.test_client()
    sign_in(client, email)
    _register(client, 1)
    runner = source_app.test_cli_runner()
    assert runner.invoke(args=["audit-verify"]).exit_code == 0
    folder = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_backup_refuses_a_path_that_exists(source_app, backup_folder):
    before = sorted(p.name for p in backup_folder.iterdir())
    result = source_app.test_cli_runner().invoke(args=["backup", str(backup_folder)])
    _no_traceback(result)
    assert "already exists" in result.output
    assert sorted(p.name for p in backup_folder.iterdir()) == before


def _database_file(folder: Path) -> Path:
    return next(folder.glob("database.*"))


def test_restore_refuses_a_corrupt_backup_naming_the_file(fresh_app, backup_folder):
    database = _database_file(backup_folder)
    content = bytearray(database.read_bytes())
    content[len(content) // 2] ^= 0x01
    database.write_bytes(bytes(content))
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert f"corrupt or truncated: {database.name}" in result.output
    assert _nothing_restored(fresh_app)


@pytest.mark.parametrize("damaged", ["database", "keys/audit_key", "audit-checkpoints.jsonl", "SHA256SUMS"])
def test_restore_refuses_a_truncated_backup_naming_the_file(fresh_app, backup_folder, damaged):
    path = _database_file(backup_folder) if damaged == "database" else backup_folder / damaged
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    if damaged == "SHA256SUMS":
        assert "SHA256SUMS" in result.output
    else:
        assert f"corrupt or truncated: {path.relative_to(backup_folder)}" in result.output
    assert _nothing_restored(fresh_app)


def test_restore_refuses_a_missing_file_or_a_folder_that_is_no_backup(fresh_app, backup_folder, tmp_path):
    (backup_folder / "keys" / "secret_key").unlink()
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert "keys/secret_key is missing" in result.output
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nowhere")])
    _no_traceback(result)
    assert "is not a backup folder" in result.output
    assert _nothing_restored(fresh_app)


def _nothing_restored(app) -> bool:
    with app.app_context():
        from intake.backup import rows_held

        return rows_held(db.engine) == {}


def test_restore_refuses_a_database_that_holds_data_without_force(source_app, backup_folder, tmp_path):
    runner = source_app.test_cli_runner()
    client = source_app.test_client()
    sign_in(client, "desk@clinic.example")
    later = _register(client, 2)  # written after the backup: restoring would lose it
    result = runner.invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert "already holds data" in result.output and "--force" in result.output
    assert later in _patient_ids(source_app)

    old_key = (Path(source_app.instance_path) / "audit_key").read_bytes()
    forced = runner.invoke(args=["restore", "--force", str(backup_folder)])
    assert forced.exit_code == 0, forced.output
    assert "Audit trail intact" in forced.output
    assert later not in _patient_ids(source_app) and len(_patient_ids(source_app)) == 1
    assert (Path(source_app.instance_path) / "audit_key").read_bytes() == old_key  # the same clinic's keys


def test_restore_refuses_different_keys_in_use_without_force(fresh_app, backup_folder):
    instance = Path(fresh_app.instance_path)
    generated = (instance / "audit_key").read_bytes()
    # This install's keys have signed checkpoints of a database of its own (since emptied).
    (instance / "audit-checkpoints.jsonl").write_text('{"last_id": 7}\n')
    runner = fresh_app.test_cli_runner()
    result = runner.invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert "different keys" in result.output and "audit_key" in result.output
    assert (instance / "audit_key").read_bytes() == generated
    assert _nothing_restored(fresh_app)

    forced = runner.invoke(args=["restore", "--force", str(backup_folder)])
    assert forced.exit_code == 0, forced.output
    assert "Audit trail intact" in forced.output
    kept = sorted(p.name for p in instance.glob("*.replaced-*"))
    assert [name.split(".replaced-")[0] for name in kept] == sorted(
        ["audit-checkpoints.jsonl", *KEY_FILE_NAMES]
    )
    assert (instance / next(n for n in kept if n.startswith("audit_key"))).read_bytes() == generated


def test_backup_and_restore_refuse_an_unreachable_database(tmp_path):
    folder = tmp_path / "backup"
    unreachable = {
        "sqlite": f"sqlite:///{tmp_path / 'missing' / 'intake.sqlite3'}",
        "postgresql": "postgresql+psycopg://intake:s3cret-password@127.0.0.1:1/intake",
    }
    for kind, url in unreachable.items():
        app = _clinic_app(tmp_path / f"instance-{kind}", url)
        result = app.test_cli_runner().invoke(args=["backup", str(folder)])
        _no_traceback(result)
        assert "There is no SQLite database" in result.output or "Cannot reach the database" in result.output
        assert "s3cret-password" not in result.output
        assert not folder.exists()


def test_restore_refuses_an_unreachable_database(backup_folder, tmp_path):
    if TEST_DATABASE_URL:
        url = "postgresql+psycopg://intake:s3cret-password@127.0.0.1:1/intake"
    else:
        url = f"sqlite:///{tmp_path / 'missing' / 'intake.sqlite3'}"
    app = _clinic_app(tmp_path / "instance-unreachable", url)
    result = app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert "Cannot reach the database" in result.output or "does not exist" in result.output
    assert "s3cret-password" not in result.output


def test_backup_without_keys_restores_with_the_keys_kept_elsewhere(source_app, tmp_path):
    email = _make_staff(source_app)
    client = source_app.test_client()
    sign_in(client, email)
    _register(client, 1)
    folder = tmp_path / "backup-without-keys"
    result = source_app.test_cli_runner().invoke(args=["backup", "--without-keys", str(folder)])
    assert result.exit_code == 0, result.output
    assert "AUDIT_KEY is not in the backup" in result.output
    assert not any((folder / "keys").iterdir())
    # The second install gets the clinic's keys from where they are kept, then the database from the backup.
    instance = tmp_path / "second-instance"
    shutil.copytree(
        source_app.instance_path, instance, ignore=shutil.ignore_patterns("intake.sqlite3*", "*.jsonl")
    )
    if TEST_DATABASE_URL:
        url = _restore_database_url()
        _empty_postgres(url)
    else:
        url = f"sqlite:///{instance / 'intake.sqlite3'}"
    second = _clinic_app(instance, url)
    restored = second.test_cli_runner().invoke(args=["restore", str(folder)])
    assert restored.exit_code == 0, restored.output
    assert "Audit trail intact: 2 events checked" in restored.output
    assert len(_patient_ids(second)) == 1
    with second.app_context():
        db.engine.dispose()


def test_restore_refuses_a_backup_of_the_other_kind_of_database(backup_folder, tmp_path):
    # Checked before any connection: the PostgreSQL URL need not even answer.
    if TEST_DATABASE_URL:
        url, expected = f"sqlite:///{tmp_path / 'intake.sqlite3'}", "backup of a postgresql database"
    else:
        url, expected = "postgresql+psycopg://intake@127.0.0.1:1/intake", "backup of a sqlite database"
    app = _clinic_app(tmp_path / "instance-other-kind", url)
    result = app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert expected in result.output
    assert not (tmp_path / "intake.sqlite3").exists()


def test_backup_refuses_an_in_memory_database(tmp_path):
    app = _clinic_app(tmp_path / "instance", "sqlite://")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    _no_traceback(result)
    assert "in memory" in result.output


def test_backup_refuses_a_folder_whose_parent_does_not_exist(source_app, tmp_path):
    folder = tmp_path / "not-mounted" / "nightly"
    result = source_app.test_cli_runner().invoke(args=["backup", str(folder)])
    _no_traceback(result)
    assert f"The folder {folder.parent} does not exist: create it first." in result.output
    assert not folder.parent.exists()


def _rewrite_manifest(folder: Path, **changes) -> None:
    """Change the manifest and its line in SHA256SUMS, as a backup made by another version would read."""
    path = folder / "manifest.json"
    manifest = {**json.loads(path.read_text()), **changes}
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    sums = folder / "SHA256SUMS"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    lines = [
        f"{digest}  manifest.json" if line.endswith("  manifest.json") else line
        for line in sums.read_text().splitlines()
    ]
    sums.write_text("\n".join(lines) + "\n")


def _head(app) -> str:
    return ScriptDirectory(app.extensions["migrate"].directory).get_current_head()


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("0099_clinic_of_the_future", "was made by a newer version of Intake (schema revision 0099_clinic_of_the_future"),
        ("head", "was made by a newer version of Intake (schema revision head"),
        (None, "records no schema revision"),
    ],
)  # fmt: skip
def test_restore_refuses_a_backup_whose_schema_this_version_does_not_know(
    fresh_app, backup_folder, revision, message
):
    _rewrite_manifest(backup_folder, schema_revision=revision)
    keys_before = {p.name: p.read_bytes() for p in Path(fresh_app.instance_path).iterdir() if p.is_file()}
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(backup_folder)])
    _no_traceback(result)
    assert message in result.output
    if revision:
        assert f"knows revisions up to {_head(fresh_app)}" in result.output
    assert _nothing_restored(fresh_app)
    keys_after = {p.name: p.read_bytes() for p in Path(fresh_app.instance_path).iterdir() if p.is_file()}
    assert keys_after == keys_before


def _register_one(app) -> int:
    email = _make_staff(app, "current@clinic.example")
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return _register(client, 1)


#: A schema of an earlier version of Intake, before the patient list's indexes and surname search column.
OLDER_REVISION = "0009_audit_hardening"


def _migrate_to(app, revision: str) -> None:
    # Alembic's env.py calls logging.config.fileConfig, which disables every logger that exists by then.
    loggers = [each for each in logging.root.manager.loggerDict.values() if isinstance(each, logging.Logger)]
    disabled_before = {each: each.disabled for each in loggers}
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()
    for each, disabled in disabled_before.items():
        each.disabled = disabled


@pytest.mark.parametrize("over", ["an empty database", "a database at this version's schema"])
def test_restoring_a_backup_of_an_older_schema_migrates_it_up_to_this_version(
    fresh_app, source_app, tmp_path, over
):
    instance = tmp_path / "older-instance"
    if TEST_DATABASE_URL:
        url = make_url(TEST_DATABASE_URL)
        url = url.set(database=f"{url.database}_older").render_as_string(hide_password=False)
        _empty_postgres(url)
    else:
        instance.mkdir()
        url = f"sqlite:///{instance / 'intake.sqlite3'}"
    older = _clinic_app(instance, url)
    _migrate_to(older, OLDER_REVISION)
    email = _make_staff(older)  # staff accounts are the same at that revision
    folder = tmp_path / "older-backup"
    made = older.test_cli_runner().invoke(args=["backup", str(folder)])
    assert made.exit_code == 0, made.output
    assert json.loads((folder / "manifest.json").read_text())["schema_revision"] == OLDER_REVISION
    with older.app_context():
        db.engine.dispose()

    target = fresh_app
    arguments = ["restore", str(folder)]
    if over != "an empty database":
        target = source_app  # the clinic's own install, replaced knowingly
        _register_one(target)
        arguments.insert(1, "--force")
    restored = target.test_cli_runner().invoke(args=arguments)
    assert restored.exit_code == 0, restored.output
    head = _head(target)
    assert (
        f"Migrated the restored database from schema revision {OLDER_REVISION} up to {head}."
        in restored.output
    )
    assert "Audit trail intact" in restored.output
    with target.app_context():
        assert schema_revision(db.engine) == head
    assert _patient_ids(target) == set()  # the backup's clinic had none
    client = target.test_client()
    assert sign_in(client, email).status_code == 302
    patient_id = _register(client, 1)  # the pages work on the migrated schema
    assert client.get(f"/patients/{patient_id}").status_code == 200
