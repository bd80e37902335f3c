"""Migration 0012 counts the red flags of the intakes submitted before it, by the rules alerts.py applies."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from intake import create_app
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import steps as q
from tests.fixtures.migrations import empty_database_url

SCHEMA = "red_flag_count_check"
BEFORE = "0011_patient_name_search"
REVISION = "0012_red_flag_decisions"

INTAKE = sa.table(
    "patient_intake",
    sa.column("id", sa.Integer()),
    sa.column("patient_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("answers", sa.JSON()),
)


def _answers(started: str = "over_3_months", **yes) -> dict:
    return {
        q.COMPLAINT: {"started": started},
        q.RED_FLAGS: {key: bool(yes.get(key)) for key in q.RED_FLAG_KEYS},
    }


@pytest.mark.usefixtures("loggers_kept")
def test_intakes_submitted_before_the_migration_get_their_red_flag_count(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url(tmp_path, SCHEMA))
    submitted = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(
            Patient.__table__.insert(),  # the model's defaults fill what every revision since 0011 has
            [
                dict(id=1, chart_number="C-1", first_name="Ada", last_name="Young", last_name_key="young",
                     date_of_birth=date(1980, 1, 1)),
                dict(id=2, chart_number="C-2", first_name="Ben", last_name="Old", last_name_key="old",
                     date_of_birth=date(1950, 1, 1)),
            ],
        )  # fmt: skip
        db.session.execute(
            INTAKE.insert(),
            [
                dict(id=1, patient_id=1, status="submitted", created_at=submitted, submitted_at=submitted,
                     answers=_answers(saddle_numbness=True, fever=True)),
                dict(id=2, patient_id=1, status="submitted", created_at=submitted, submitted_at=submitted,
                     answers=_answers()),
                # New back pain at 76: the age red flag, and one asked.
                dict(id=3, patient_id=2, status="submitted", created_at=submitted, submitted_at=submitted,
                     answers=_answers(started="under_6_weeks", night_pain=True)),
                # Not submitted: nothing is counted yet (submission counts it).
                dict(id=4, patient_id=2, status="in_progress", created_at=submitted, submitted_at=None,
                     answers=_answers(leg_weakness=True)),
            ],
        )  # fmt: skip
        db.session.commit()
        upgrade(revision=REVISION)
        counts = dict(db.session.execute(text("SELECT id, red_flag_count FROM patient_intake")).all())
        assert counts == {1: 2, 2: 0, 3: 2, 4: 0}
        db.session.remove()
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("patient_intake")}
            assert "red_flag_count" not in columns and "review_comment" not in columns
            assert "red_flag_decision" not in inspect(connection).get_table_names()
        db.engine.dispose()
