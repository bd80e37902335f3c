"""A signed checkpoint counts on from the one before it, never the whole trail again.

The trail of fifteen years holds over a million events; a checkpoint every few hundred of them that
counted every event from the first one cost each look at a chart, on average, more than the page itself.
So a checkpoint counts only the events since the newest signed checkpoint before it and adds that
checkpoint's count. These tests check the counts stay exact (they are what ``audit-verify`` holds the trail
against) and that the count statement is bounded below when there is a checkpoint to count from.
"""

import json

from sqlalchemy import event, text

from intake.audit import checkpoints
from intake.audit.operations import record_event
from intake.extensions import db
from tests.fixtures.audit import append_only_triggers_off


def _record(app, count):
    with app.app_context():
        for n in range(count):
            record_event("view", detail=f"chart opened {n}")
            db.session.commit()


def _lines(app):
    return [json.loads(line) for line in checkpoints.checkpoint_path(app).read_text().splitlines()]


def _count_statements(app):
    """Collect the SQL of every count of audit events the app runs from now on."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(_connection, _cursor, statement, *_args):
        if "count(" in statement.lower() and "audit_event" in statement:
            seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    return seen


def _real_count_up_to(app, last_id):
    with app.app_context():
        return db.session.scalar(text("SELECT count(*) FROM audit_event WHERE id <= :id"), {"id": last_id})


def test_each_checkpoint_counts_the_events_since_the_one_before_and_stays_exact(app, runner):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    _record(app, 1)  # the switch to the keyed hash: the first checkpoint, counted from the start
    seen = _count_statements(app)
    _record(app, 9)
    counts = list(seen)  # the checkpoints' own counts, before this test counts anything itself
    lines = _lines(app)
    assert [line["last_id"] for line in lines] == [1, 3, 6, 9]
    for line in lines:
        assert line["count"] == _real_count_up_to(app, line["last_id"])
        assert line["hmac_from"] == 1  # carried forward from the switch
    # Three later checkpoints, each counting from the one before: a lower bound in every count.
    assert len(counts) == 3
    assert all("audit_event.id >" in statement for statement in counts), counts
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output


def test_without_a_signed_checkpoint_to_count_from_the_whole_trail_is_counted(app, runner):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    _record(app, 4)
    path = checkpoints.checkpoint_path(app)
    # The newest line is not signed with the audit key (edited): the next checkpoint must not count on from it.
    forged = {**_lines(app)[-1], "last_id": 4, "count": 1}
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    _record(app, 2)
    newest = _lines(app)[-1]
    assert newest["last_id"] == 6 and newest["count"] == _real_count_up_to(app, 6) == 6
    path.unlink()  # no file at all: counted from the start
    seen = _count_statements(app)
    _record(app, 3)
    counts = list(seen)
    assert _lines(app)[-1]["last_id"] == 9 and _lines(app)[-1]["count"] == 9
    assert len(counts) == 1 and "audit_event.id >" not in counts[0]


def test_a_checkpoint_after_events_were_deleted_behind_the_app_keeps_the_signed_count(app, runner):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    _record(app, 3)
    with append_only_triggers_off(app) as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = 2"))
    _record(app, 3)
    # Counted on from the signed count of 3 at #3, the new checkpoint still says 6 events up to #6: the
    # deletion is not absorbed into the count, and audit-verify reports it.
    assert _lines(app)[-1]["last_id"] == 6 and _lines(app)[-1]["count"] == 6
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1


def test_only_the_end_of_a_long_checkpoint_file_is_read(app):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 1
    _record(app, 400)  # 400 lines, far more than the tail read
    path = checkpoints.checkpoint_path(app)
    assert path.stat().st_size > 4 * checkpoints.TAIL_BYTES
    with app.app_context():
        from intake.audit.chain import audit_key

        key = audit_key(app)
        assert checkpoints.latest_checkpoint(app, key, up_to_id=400).last_id == 400
        assert checkpoints.latest_checkpoint(app, key, up_to_id=390).last_id == 390
        assert checkpoints.latest_checkpoint(app, key, up_to_id=5) is None  # not in the tail: count from start
