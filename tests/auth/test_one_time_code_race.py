"""A one-time code works once even when two browsers send it at the same instant.

Two test clients in two threads pass the password step, then send the same recovery code (or
the same app code) together. On PostgreSQL both requests are held, by a listener on the
database connection, just before they write the code as spent, so each has already read it as
unused: only a conditional UPDATE that checks its row count lets exactly one of them in. On
SQLite a request that writes begins with BEGIN IMMEDIATE, so the two requests queue instead; the
test then shows the same outcome without the hold.
"""

import threading

import pytest
from sqlalchemy import event

from intake.extensions import db
from tests.conftest import sign_in
from tests.fixtures.audit import next_code

SIGNED_IN_ELSEWHERE = 302  # the answer to an accepted code: a redirect to the landing page
HOLD_SECONDS = 5


def _race(app, clients, code, writes_marker):
    """Send ``code`` from every client at once; return their status codes."""
    with app.app_context():
        engine = db.engine
    at_write = threading.Barrier(len(clients), timeout=HOLD_SECONDS)
    hold = engine.dialect.name == "postgresql"

    def before_write(conn, cursor, statement, parameters, context, executemany):
        if hold and statement.lstrip().upper().startswith("UPDATE") and writes_marker in statement:
            try:
                at_write.wait()  # both requests have read the code as unused by now
            except threading.BrokenBarrierError:
                pass  # the other request was refused before writing: nothing to wait for

    start = threading.Barrier(len(clients), timeout=HOLD_SECONDS)
    statuses: list[int] = []

    def send(client):
        start.wait()
        statuses.append(client.post("/login", data={"code": code}).status_code)

    event.listen(engine, "before_cursor_execute", before_write)
    try:
        threads = [threading.Thread(target=send, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(engine, "before_cursor_execute", before_write)
    return sorted(statuses)


def _two_browsers_past_the_password(app, email):
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        assert sign_in(client, email).status_code == 302
    return clients


@pytest.mark.parametrize("kind", ["recovery", "app"])
def test_the_same_code_sent_twice_at_once_signs_in_only_once(
    app, make_user, enable_two_step, audit_events, kind
):
    user = make_user()
    secret, recovery_codes = enable_two_step(user)
    clients = _two_browsers_past_the_password(app, user.email)
    if kind == "recovery":
        statuses = _race(app, clients, recovery_codes[0], "recovery_code")
    else:
        statuses = _race(app, clients, next_code(secret), "totp_last_step")
    assert statuses == [SIGNED_IN_ELSEWHERE, 422]
    assert sum(c.get("/patients/").status_code == 200 for c in clients) == 1
    assert len(audit_events(action="login")) == 1
    if kind == "recovery":
        assert len(audit_events(action="recovery_code_used")) == 1
