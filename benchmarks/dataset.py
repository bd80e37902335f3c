"""The bench's data set: a generated clinic (``seed-demo --patients N --visits M``), built once and reused.

A data set is keyed by a checksum of the generator's arguments and its code, so changing the size, the seed,
the end date or the generator builds a new one; a data set reused after a new migration is migrated up first,
as a clinic's own database would be. SQLite data sets live in ``bench/data/sqlite-<key>/``
(git-ignored) with an instance folder of their own (keys, audit checkpoints); a PostgreSQL data set lives in
the database ``BENCH_DATABASE_URL`` names, with its instance folder in ``bench/data/postgres-<key>/``. The
development database and instance/ are never touched.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess  # nosec B404 - runs this project's own flask CLI
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
#: Longest a data set may take to build (the full size takes minutes).
BUILD_TIMEOUT_S = 3 * 3600
MANIFEST = "manifest.json"


class BenchError(Exception):
    """Something the bench cannot do, with a message for the person running it."""


@dataclass(frozen=True)
class Size:
    patients: int
    visits: int
    seed: int = 1
    end_date: str = "2026-11-01"

    def check(self) -> None:
        if self.patients < 1 or self.visits < 1:
            raise BenchError(
                f"Patients and visits must be at least 1 (got {self.patients} and {self.visits})."
            )
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.end_date):
            raise BenchError(f"The end date must look like 2026-11-01 (got {self.end_date!r}).")


@dataclass
class Dataset:
    database: str  # "sqlite" or "postgresql"
    url: str
    instance: str
    key: str
    long_history_patient_id: int

    def environment(self) -> dict[str, str]:
        """The environment the app (CLI or gunicorn) runs in for this data set."""
        env = dict(os.environ)
        env.update(
            INTAKE_CONFIG="development",
            FLASK_DEBUG="0",
            DATABASE_URL=self.url,
            INTAKE_INSTANCE_PATH=self.instance,
        )
        return env


def generator_checksum() -> str:
    """Checksum of the generator's code: data sets built by another version are built again."""
    return hashlib.sha256((ROOT / "intake" / "clinic_generator.py").read_bytes()).hexdigest()


def dataset_key(size: Size, database: str) -> str:
    """Checksum of the generator's arguments, its code and the database kind (12 hex digits)."""
    payload = json.dumps(dict(asdict(size), database=database, generator=generator_checksum()), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _migrated(dataset: Dataset) -> Dataset:
    """Bring a reused data set to this version's schema (a no-op when it is there already)."""
    _flask(dataset, "db", "upgrade")
    return dataset


def sqlite_dataset(size: Size, data: Path = DATA, *, fresh: bool = False) -> Dataset:
    """The SQLite data set of this size: reused when built before, else built (older ones are removed)."""
    size.check()
    key = dataset_key(size, "sqlite")
    folder = data / f"sqlite-{key}"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    manifest = folder / MANIFEST
    if manifest.exists():
        print(
            f"Reusing the SQLite data set {folder.relative_to(data.parent.parent) if data == DATA else folder}"
        )
        return _migrated(Dataset(**json.loads(manifest.read_text())))
    for old in data.glob("sqlite-*"):
        print(f"Removing the older data set {old.name}")
        shutil.rmtree(old)
    (folder / "instance").mkdir(parents=True)
    dataset = Dataset("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}", str(folder / "instance"), key, 0)
    dataset.long_history_patient_id = _generate(dataset, size)
    manifest.write_text(json.dumps(asdict(dataset), indent=2))
    return dataset


def postgres_dataset(size: Size, url: str, data: Path = DATA, *, fresh: bool = False) -> Dataset:
    """The PostgreSQL data set in the database ``url`` names: reused when it holds this size, else rebuilt.

    Rebuilding empties the database, and is refused when it holds staff accounts other than the demo's.
    """
    size.check()
    if not url.startswith("postgresql"):
        raise BenchError(
            f"BENCH_DATABASE_URL must be a postgresql+psycopg:// URL (got {url.split(':')[0]}:…)."
        )
    key = dataset_key(size, "postgresql")
    folder = data / f"postgres-{key}"
    manifest = folder / MANIFEST
    state = _postgres_state(url)
    if manifest.exists() and not fresh:
        dataset = Dataset(**json.loads(manifest.read_text()))
        if state == ("ready", key):
            print(f"Reusing the PostgreSQL data set {make_url(url).database}")
            return _migrated(dataset)
    _empty_postgres(url)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "instance").mkdir(parents=True)
    dataset = Dataset("postgresql", url, str(folder / "instance"), key, 0)
    dataset.long_history_patient_id = _generate(dataset, size)
    _mark_postgres(url, key)
    manifest.write_text(json.dumps(asdict(dataset), indent=2))
    return dataset


def _engine(url: str):
    return create_engine(url, connect_args={"connect_timeout": 10})


def _postgres_state(url: str) -> tuple[str, str]:
    """("ready", key) when the database holds a finished data set, else ("other", "")."""
    try:
        with _engine(url).connect() as connection:
            comment = connection.scalar(
                text("SELECT obj_description('public'::regnamespace, 'pg_namespace')")
            )
    except SQLAlchemyError as error:
        raise BenchError(
            f"Cannot reach BENCH_DATABASE_URL ({error.__class__.__name__}: {error.args[0][:200]})"
        ) from None
    if comment and comment.startswith("intake-bench "):
        return "ready", comment.split(" ", 1)[1]
    return "other", ""


def _mark_postgres(url: str, key: str) -> None:
    with _engine(url).begin() as connection:
        connection.execute(text(f"COMMENT ON SCHEMA public IS 'intake-bench {key}'"))  # key is hex digits


def _empty_postgres(url: str) -> None:
    from intake.clinic_generator import DEMO_EMAILS

    with _engine(url).begin() as connection:
        has_staff = connection.scalar(text("SELECT to_regclass('public.user_account') IS NOT NULL"))
        if has_staff:
            emails = set(connection.scalars(text("SELECT email FROM user_account")))
            if emails - set(DEMO_EMAILS):
                raise BenchError(
                    "BENCH_DATABASE_URL holds staff accounts that are not demo accounts: refusing to empty it. "
                    "Give the bench a database of its own."
                )
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def _flask(dataset: Dataset, *args: str) -> str:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(  # nosec B603 - fixed arguments, no shell
        command, cwd=ROOT, env=dataset.environment(), capture_output=True, text=True, timeout=BUILD_TIMEOUT_S
    )
    if done.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed:\n{(done.stdout + done.stderr)[-2000:]}")
    return done.stdout


def _generate(dataset: Dataset, size: Size) -> int:
    """Migrate the empty database and generate the clinic; return the long-history patient's id."""
    print(
        f"Building the {dataset.database} data set: {size.patients} patients, {size.visits} visits …",
        flush=True,
    )
    _flask(dataset, "db", "upgrade")
    output = _flask(
        dataset,
        "seed-demo",
        "--patients", str(size.patients), "--visits", str(size.visits),
        "--seed", str(size.seed), "--end-date", size.end_date,
    )  # fmt: skip
    print(output.strip().splitlines()[0] if output.strip() else "(no output)")
    match = re.search(r"long history: /patients/(\d+)", output)
    if not match:
        raise BenchError(f"The generator did not name the long-history patient:\n{output[-1000:]}")
    return int(match.group(1))
