"""The generated clinic (``seed-demo --patients N --visits M --seed S``): sizes, shape, determinism, refusals."""

import hashlib
import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from intake import create_app
from intake.audit.models import AuditEvent
from intake.auth.models import User
from intake.clinic_generator import row_counts
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.patients.models import Patient
from intake.questionnaire.models import Intake
from intake.visits.models import Amendment, Visit, VisitPoint
from tests.conftest import TEST_DATABASE_URL, _reset_postgres, sign_in

SMALL = ["seed-demo", "--patients", "30", "--visits", "200", "--seed", "7", "--end-date", "2026-06-01"]


def _generate(runner, args=SMALL):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return result


def _visits_per_patient(app) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(Visit.patient_id, func.count()).group_by(Visit.patient_id).order_by(func.count().desc())
        )
        return [(patient_id, visits) for patient_id, visits in rows]


def test_generated_clinic_has_the_counts_asked_for_and_one_long_history(runner, app):
    _generate(runner)
    with app.app_context():
        counts = row_counts()
        assert counts["patient"] == 30 and counts["visit"] == 200
        assert counts["patient_intake"] == 30  # an intake with ODI per patient
        assert db.session.scalar(select(func.count()).where(Intake.odi_percent.is_(None))) == 0
        assert counts["visit_amendment"] >= 1
        assert db.session.scalar(select(func.count()).select_from(VisitPoint)) > 0
        # 2-12 regions scored before and after each visit, as many after as before.
        per_visit = db.session.execute(
            select(PainScore.visit_id, PainScore.context, func.count())
            .where(PainScore.visit_id.is_not(None))
            .group_by(PainScore.visit_id, PainScore.context)
        ).all()
        before = {visit: n for visit, context, n in per_visit if context == BEFORE_TREATMENT}
        after = {visit: n for visit, context, n in per_visit if context == AFTER_TREATMENT}
        assert len(before) == 200 and before == after
        assert min(before.values()) >= 2 and max(before.values()) <= 12
        # The trail holds events in proportion: several per visit and per patient.
        assert counts["audit_event"] > 3 * 200 + 4 * 30
        # Searchable as the app's own patients are: the surname's search form is kept beside it.
        names = db.session.execute(select(Patient.last_name, Patient.last_name_key)).all()
        assert names and all(key == name.lower() for name, key in names)
    visits = _visits_per_patient(app)
    (_, longest), (_, next_longest) = visits[0], visits[1]
    assert longest == 100  # 300 at full size; half the visits when fewer than 600 are asked for
    assert next_longest < longest
    assert "long history: /patients/" in _generate_output_again_refused(runner)


def _generate_output_again_refused(runner) -> str:
    # A second run on the same database is refused (it already holds data), with a message.
    again = runner.invoke(args=SMALL)
    assert again.exit_code != 0 and "already holds data" in again.output
    first = runner.invoke(args=["seed-demo", "--if-empty", *SMALL[1:]])
    assert first.exit_code == 0 and "not generated" in first.output
    return "long history: /patients/"


def _digest(app) -> str:
    """Return a hash of every generated row, in id order (password hashes are salted: left out)."""
    digest = hashlib.sha256()
    with app.app_context():
        staff = db.session.execute(
            select(
                User.id, User.email, User.full_name, User.role, User.designation, User.created_at
            ).order_by(User.id)
        )
        digest.update(json.dumps([list(row) for row in staff], default=str).encode())
        for model in (Patient, Intake, Visit, VisitPoint, Amendment, PainScore, AuditEvent):
            rows = db.session.execute(select(model.__table__).order_by(model.__table__.c.id))
            for row in rows:
                digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_data(runner, app, database_template):
    _generate(runner)
    first = _digest(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # Back to an empty database, and its trail's checkpoints go with it.
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
    else:
        shutil.copy(database_template, app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    Path(app.config["AUDIT_CHECKPOINT_FILE"]).unlink()
    _generate(runner)
    assert _digest(app) == first
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
    else:
        shutil.copy(database_template, app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    Path(app.config["AUDIT_CHECKPOINT_FILE"]).unlink()
    _generate(runner, [*SMALL[:-4], "--seed", "8", *SMALL[-2:]])
    assert _digest(app) != first


def test_audit_verify_passes_on_a_generated_clinic(runner, app):
    _generate(runner)
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert f"Audit trail intact: {events} events checked." in result.output
    assert "1 signed checkpoints matched." in result.output  # the generator's own, at the last event


def test_the_long_history_opens_for_a_practitioner(runner, app, client):
    _generate(runner)
    long_patient, _visits = _visits_per_patient(app)[0]
    assert sign_in(client, "mei.chen@clinic.example", "demo-practitioner-2026").status_code == 302
    for page in ("", "/pain/", "/pain/table", "/visits"):
        response = client.get(f"/patients/{long_patient}{page}")
        assert response.status_code == 200, page
    # The app keeps writing after the generated ids (chart numbers, visits, the trail).
    created = client.post(f"/patients/{long_patient}/visits", follow_redirects=False)
    assert created.status_code in (302, 303), created.get_data(as_text=True)[:500]
    assert runner.invoke(args=["audit-verify"]).exit_code == 0


def test_a_database_with_real_data_is_refused(runner, app, make_user):
    make_user(email="pat.reception@realclinic.ca")
    result = runner.invoke(args=SMALL)
    assert result.exit_code != 0
    assert "holds real data" in result.output and "pat.reception@realclinic.ca" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Patient)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_nonsense_counts_are_refused_with_a_message(runner, app):
    for args, message in (
        (["--patients", "-5", "--visits", "10"], "--patients must be at least 1"),
        (["--patients", "10", "--visits", "-1"], "--visits cannot be negative"),
        (["--patients", "100000000", "--visits", "10"], "absurd"),
        (["--patients", "2", "--visits", "100000"], "too many for 2 patients"),
        (["--patients", "10"], "Give both --patients and --visits"),
    ):
        result = runner.invoke(args=["seed-demo", *args])
        assert result.exit_code != 0, args
        assert message in result.output, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_an_unreachable_database_gives_a_message(tmp_path):
    unreachable = create_app(
        "testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none"
    )
    result = unreachable.test_cli_runner().invoke(args=SMALL)
    assert result.exit_code != 0
    assert "Cannot reach the database" in result.output
    assert isinstance(result.exception, SystemExit)
