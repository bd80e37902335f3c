"""A clinic served by real processes: an instance folder migrated by `flask db upgrade` and loaded with the demo
staff and patients, gunicorn on 127.0.0.1, tablets as client processes, and what the database holds afterwards."""

import json
import os
import signal
import socket
import subprocess  # nosec B404 - runs flask, gunicorn and the tablets from this virtualenv
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from intake import create_app
from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.pain.models import BEFORE_TREATMENT, CHECK_IN, PainScore
from intake.visits.models import Visit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Demo practitioners (intake/demo.py): every tablet signs in as one of them.
PRACTITIONERS = (
    ("mei.chen@clinic.example", "demo-practitioner-2026"),
    ("sam.taylor@clinic.example", "demo-therapist-2026"),
)
FRONT_DESK = ("frontdesk@clinic.example", "demo-frontdesk-2026")
#: Bounds on every wait, in seconds.
COMMAND_SECONDS = 120
READY_SECONDS = 60
#: What a healthy server log never holds.
LOG_ALARMS = ("database is locked", "Traceback", "Exception on ", "WORKER TIMEOUT", "OperationalError")


def env_int(name: str, default: int) -> int:
    """A size from the environment (RELIABILITY_TABLETS and the like), refused when it is not a positive number."""
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_database(shared_url: str, name: str) -> str:
    """Create (or empty) a PostgreSQL database of the reliability run's own next to ``shared_url``'s; return its URL."""
    url = make_url(shared_url)
    own = url.set(database=f"{url.database}_{name}")
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


@dataclass
class Clinic:
    """An instance folder (keys, checkpoints, the SQLite file) and the database the servers share."""

    instance: Path
    database_url: str
    patient_ids: list[int] = field(default_factory=list)
    #: Settings the servers and commands get besides the clinic's own (e.g. AUDIT_CHECKPOINT_EVERY).
    settings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, database_url: str | None = None) -> "Clinic":
        instance = folder / "instance"
        instance.mkdir(parents=True)
        clinic = cls(instance, database_url or f"sqlite:///{instance / 'intake.sqlite3'}")
        clinic.flask("db", "upgrade")
        clinic.flask("seed-demo")
        with clinic.reading() as session:
            clinic.patient_ids = list(session.scalars(text("SELECT id FROM patient ORDER BY id")))
        return clinic

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "TEST_DATABASE"))}
        environment.update(
            INTAKE_CONFIG="development",
            INTAKE_INSTANCE_PATH=str(self.instance),
            DATABASE_URL=self.database_url,
            PYTHONPATH=str(ROOT),
            **self.settings,
        )
        return environment

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run ``flask --app wsgi ARGS`` on this clinic, as an administrator would."""
        done = subprocess.run(  # nosec B603
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"flask {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done

    def audit_verify(self) -> subprocess.CompletedProcess:
        return self.flask("audit-verify", check=False)

    def reading(self):
        """An app context's session on the clinic's database, for reading what the servers wrote."""
        return _Reader(self.database_url)

    def integrity_check(self) -> str:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return "\n".join(str(row[0]) for row in connection.execute(text("PRAGMA integrity_check")))
        finally:
            engine.dispose()


class _Reader:
    def __init__(self, url: str):
        self.app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)

    def __enter__(self):
        self.context = self.app.app_context()
        self.context.push()
        return db.session

    def __exit__(self, *exc):
        db.session.remove()
        db.engine.dispose()
        self.context.pop()


class Server:
    """gunicorn serving wsgi:app for a clinic on a 127.0.0.1 port of its own; killed or stopped by its own id."""

    def __init__(self, clinic: Clinic, log: Path, workers: int = 4, port: int | None = None):
        self.clinic = clinic
        self.workers = workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> "Server":
        command = [str(BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                   "--graceful-timeout", "5", "--timeout", "60", "wsgi:app"]  # fmt: skip
        with self.log.open("a") as log:
            # A session of its own, so a kill reaches the master and its workers at once, like a power cut.
            self.process = subprocess.Popen(  # nosec B603
                command,
                cwd=ROOT,
                env=self.clinic.environment(),
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        from tests.reliability.client import reached

        assert self.process is not None
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped (exit {self.process.returncode}):\n{self.log_text()}")
            if reached(self.base, 0.5):
                return
        raise AssertionError(f"gunicorn did not answer within {READY_SECONDS} s:\n{self.log_text()}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (its process group), and reap it."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.kills += 1
        self._wait_port_free()

    def _wait_port_free(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", self.port))
                    return
                except OSError:
                    time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def alarms_in(log: str) -> list[str]:
    """The lines of a server log that tell of an error (a lock, a traceback, a worker that hung)."""
    return [line for line in log.splitlines() if any(alarm in line for alarm in LOG_ALARMS)]


def start_tablets(bases: list[str], clinic: Clinic, folder: Path, count: int, writes: int, *,
                  seconds: float, patient_wait: float = 0.0) -> list[tuple[subprocess.Popen, Path]]:  # fmt: skip
    """Start ``count`` tablet processes, each writing ``writes`` times through one of ``bases`` in turn."""
    tablets = []
    patients = ",".join(str(p) for p in clinic.patient_ids)
    for index in range(count):
        email, password = PRACTITIONERS[index % len(PRACTITIONERS)]
        out = folder / f"tablet-{index}.jsonl"
        command = [sys.executable, "-m", "tests.reliability.client", "--base", bases[index % len(bases)],
                   "--email", email, "--password", password, "--patients", patients, "--writes", str(writes),
                   "--index", str(index), "--out", str(out), "--seconds", str(seconds),
                   "--patient-wait", str(patient_wait)]  # fmt: skip
        with (folder / f"tablet-{index}.log").open("w") as log:
            process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)  # nosec B603
        tablets.append((process, out))
    return tablets


def wait_for_tablets(tablets, seconds: float) -> list[dict]:
    """Wait (bounded) for every tablet to finish; return every line they wrote."""
    deadline = time.monotonic() + seconds
    for process, out in tablets:
        try:
            process.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
            raise AssertionError(f"a tablet was still writing after {seconds} s ({out})") from None
        if process.returncode != 0:
            log = out.with_suffix(".log").read_text(errors="replace")
            raise AssertionError(f"a tablet exited {process.returncode}:\n{log}")
    return read_lines([out for _, out in tablets])


def read_lines(files: list[Path]) -> list[dict]:
    lines = []
    for path in files:
        if path.exists():
            lines.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return lines


ACKNOWLEDGED = ("draft", "autosave", "pain", "check_in")


def missing_writes(clinic: Clinic, lines: list[dict], *, exact_events: bool) -> list[str]:
    """Every acknowledged write the database lacks, or whose audit event is not on the trail.

    With ``exact_events`` each visit's trail holds exactly one event per acknowledged save (no write went
    unanswered); otherwise at least one (a save the server committed before being killed has no answer)."""
    acks = [line for line in lines if line["kind"] in ACKNOWLEDGED]
    attempted = defaultdict(list)
    for line in lines:
        if line["kind"] == "attempt":
            attempted[line["visit"]].append(line["text"])
    problems: list[str] = []
    with clinic.reading() as session:
        visits = {v.id: v for v in session.scalars(db.select(Visit))}
        created = set(
            session.scalars(
                db.select(AuditEvent.record_id).where(
                    AuditEvent.action == "create", AuditEvent.record_type == "visit"
                )
            )
        )
        edits = Counter(
            (record_id, detail)
            for record_id, detail in session.execute(
                db.select(AuditEvent.record_id, AuditEvent.detail).where(
                    AuditEvent.action == "edit", AuditEvent.record_type == "visit"
                )
            )
        )
        check_in_events = Counter(
            session.scalars(
                db.select(AuditEvent.patient_id).where(
                    AuditEvent.action == "create", AuditEvent.record_type == "pain_check_in"
                )
            )
        )
        scores = session.scalars(db.select(PainScore)).all()
        before = {(s.visit_id, s.region_code, s.score) for s in scores if s.context == BEFORE_TREATMENT}
        check_ins = {
            (s.patient_id, s.region_code, s.score, s.recorded_at) for s in scores if s.context == CHECK_IN
        }
    last_text: dict[int, str] = {}
    wanted_edits: Counter = Counter()
    wanted_check_ins: Counter = Counter()
    for ack in acks:
        kind = ack["kind"]
        if kind == "draft":
            if ack["visit"] not in visits:
                problems.append(f"draft visit {ack['visit']} is not in the database")
            if ack["visit"] not in created:
                problems.append(f"draft visit {ack['visit']} has no 'create' audit event")
        elif kind in ("autosave", "pain"):
            last_text[ack["visit"]] = ack["text"]
            wanted_edits[(ack["visit"], "autosave" if kind == "autosave" else "draft saved")] += 1
            if kind == "pain" and (ack["visit"], ack["region"], ack["score"]) not in before:
                problems.append(
                    f"visit {ack['visit']}'s pain score {ack['region']}={ack['score']} is missing"
                )
        elif kind == "check_in":
            at = datetime.fromisoformat(ack["recorded_at"])
            wanted_check_ins[ack["patient"]] += 1
            if (ack["patient"], ack["region"], ack["score"], at) not in check_ins:
                problems.append(f"check-in of patient {ack['patient']} at {at} is missing")
    for visit_id, wanted in last_text.items():
        stored = visits[visit_id].activity if visit_id in visits else None
        later = (
            attempted[visit_id][attempted[visit_id].index(wanted) :] if wanted in attempted[visit_id] else []
        )
        if stored != wanted and not (not exact_events and stored in later):
            problems.append(f"visit {visit_id} holds {stored!r}, not its last acknowledged text {wanted!r}")
    for key, wanted in wanted_edits.items():
        found = edits[key]
        if found < wanted or (exact_events and found != wanted):
            problems.append(
                f"visit {key[0]} has {found} '{key[1]}' edit events for {wanted} acknowledged saves"
            )
    for patient_id, wanted in wanted_check_ins.items():
        found = check_in_events[patient_id]
        if found < wanted or (exact_events and found != wanted):
            problems.append(
                f"patient {patient_id} has {found} check-in events for {wanted} acknowledged check-ins"
            )
    return problems


def summary(name: str, lines: list[dict], **extra) -> str:
    kinds = Counter(line["kind"] for line in lines)
    acknowledged = sum(kinds[k] for k in ACKNOWLEDGED)
    statuses = Counter(line.get("status") for line in lines if line["kind"] == "failure")
    parts = [f"{acknowledged} writes acknowledged"] + [f"{k} {kinds[k]}" for k in ACKNOWLEDGED]
    parts.append(f"500s {statuses.get(500, 0)}")
    parts.append(f"unanswered {statuses.get(0, 0)}")
    parts += [f"{key} {value}" for key, value in extra.items()]
    return f"[reliability] {name}: " + ", ".join(parts)
