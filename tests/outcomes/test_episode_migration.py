"""Migration 0015 opens an episode for each patient's first submitted intake of each complaint area."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import text

from intake import create_app
from intake.extensions import db
from intake.patients.models import Patient
from tests.fixtures.migrations import empty_database_url

SCHEMA = "episode_backfill_check"
INTAKE = sa.table(
    "patient_intake",
    sa.column("id", sa.Integer()),
    sa.column("patient_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("answers", sa.JSON()),
)


@pytest.mark.usefixtures("loggers_kept")
def test_intakes_submitted_before_the_migration_open_their_episodes(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url(tmp_path, SCHEMA))
    first = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="0014_pain_history_index")
        db.session.execute(
            Patient.__table__.insert(),
            [dict(id=1, chart_number="C-1", first_name="Ada", last_name="Young", last_name_key="young",
                  date_of_birth=date(1980, 1, 1))],
        )  # fmt: skip
        pain = {"lower_back_c": {"pain": {"regions": {"lower_back_c": 6, "neck_back": 6}}}}
        db.session.execute(
            INTAKE.insert(),
            [
                dict(id=1, patient_id=1, status="submitted", created_at=first, submitted_at=first,
                     answers=pain["lower_back_c"]),
                dict(id=2, patient_id=1, status="submitted", created_at=first, submitted_at=first + timedelta(days=30),
                     answers={"pain": {"regions": {"neck_front": 4}}}),  # the same area: no second episode
                dict(id=3, patient_id=1, status="submitted", created_at=first, submitted_at=first + timedelta(days=60),
                     answers={"pain": {"regions": {"shoulder_r": 5}}}),
                dict(id=4, patient_id=1, status="in_progress", created_at=first, submitted_at=None,
                     answers={"pain": {"regions": {"knee_front_l": 5}}}),
            ],
        )  # fmt: skip
        db.session.commit()
        upgrade(revision="0015_episodes")
        rows = db.session.execute(
            text("SELECT complaint_area, intake_id FROM care_episode ORDER BY intake_id")
        ).all()
        db.session.remove()
        db.engine.dispose()
    # A tie (6 and 6) goes to the region first in body order: the neck.
    assert [tuple(row) for row in rows] == [("neck", 1), ("shoulder_arm", 3)]
