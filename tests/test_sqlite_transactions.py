"""SQLite: pages that only look never wait for the write lock; what they write still gets it.

Each test holds or moves SQLite's write lock from a second, plain ``sqlite3`` connection (another
worker saving a note) and loads pages through the test client. The busy timeout is short here, so a
page that wrongly waited for the lock fails with "database is locked" (a 500) instead of passing late.
"""

import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import event, func, select

from intake.audit.models import VIEW, AuditEvent
from intake.audit.operations import verify_chain
from intake.extensions import db
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's locking")

BUSY_TIMEOUT_MS = 300


@pytest.fixture
def signed_in(app, client, login, make_patient):
    """A practitioner's client and a patient, on an app whose connections give up on the lock quickly."""
    login("practitioner")
    patient = make_patient()
    with app.app_context():
        event.listen(db.engine, "connect", _short_busy_timeout)  # after the app's own settings
        db.engine.dispose()
    return client, patient


def _short_busy_timeout(dbapi_connection, connection_record):
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _other_worker(app) -> sqlite3.Connection:
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, timeout=5, isolation_level=None)
    connection.execute("PRAGMA busy_timeout = 5000")
    return connection


def _views_of(app, patient_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == VIEW, AuditEvent.patient_id == patient_id
            )
        )


def test_a_page_that_only_reads_answers_while_another_worker_holds_the_write_lock(signed_in, app):
    client, patient = signed_in
    with closing(_other_worker(app)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE patient SET city = 'Saving' WHERE id = ?", (patient.id,))
        try:
            listing = client.get("/patients/")
            search = client.get(f"/patients/?q={patient.last_name[:3]}")
        finally:
            other.execute("ROLLBACK")
    assert listing.status_code == 200
    assert search.status_code == 200
    assert patient.last_name.encode() in search.data


def test_a_page_that_records_who_looked_writes_its_row_after_another_worker_committed(signed_in, app):
    """The chart read in a plain transaction; a note was saved meanwhile; its audit row still lands."""
    client, patient = signed_in
    with app.app_context():
        engine = db.engine
    saved_meanwhile = []

    def save_elsewhere_after_first_read(conn, cursor, statement, parameters, context, executemany):
        if not saved_meanwhile and statement.lstrip().upper().startswith("SELECT"):
            with closing(_other_worker(app)) as other:
                other.execute("UPDATE patient SET city = 'Saved meanwhile' WHERE id = ?", (patient.id,))
            saved_meanwhile.append(True)

    before = _views_of(app, patient.id)
    event.listen(engine, "after_cursor_execute", save_elsewhere_after_first_read)
    try:
        response = client.get(f"/patients/{patient.id}")
    finally:
        event.remove(engine, "after_cursor_execute", save_elsewhere_after_first_read)
    assert saved_meanwhile
    assert response.status_code == 200
    assert _views_of(app, patient.id) == before + 1
    with app.app_context():
        assert verify_chain().intact
