"""`make bench`'s building blocks on a tiny generated clinic: the bench app, sign-in, the pages, the draft loop.

Nothing here is timed (speed is measured by `make bench`, never in `make test`): these tests check that the
bench can sign in, finds every page it loads and gets 200 from each with a query count, and writes the
documented results.
"""

import json
import threading

import pytest
from werkzeug.serving import make_server

from benchmarks.bench_app import FLOOR, LOOKED_FLOOR, QUERIES_HEADER, SIGNED_IN_FLOOR, instrument
from benchmarks.client import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Client,
    draft_visit,
    forms_of,
    needs_admin,
    pages,
    save_draft_loop,
    sign_in,
)
from benchmarks.dataset import BenchError, Size, dataset_key
from benchmarks.load import run_load
from benchmarks.run import DRAFT_PAGE, summarise, write_results

TINY = ["seed-demo", "--patients", "12", "--visits", "40", "--seed", "3", "--end-date", "2026-06-01"]


@pytest.fixture
def bench_server(app, runner):
    """The test's app with the bench's routes, holding a tiny generated clinic, served on 127.0.0.1."""
    instrument(app)
    result = runner.invoke(args=TINY)
    assert result.exit_code == 0, result.output
    long_history = int(result.output.split("long history: /patients/")[1].split()[0])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs=dict(poll_interval=0.05), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app.config["SQLALCHEMY_DATABASE_URI"], long_history
    server.shutdown()
    thread.join(10)


def test_the_real_app_has_no_bench_routes(client):
    assert client.get(FLOOR).status_code == 404
    assert client.get(SIGNED_IN_FLOOR).status_code == 404
    assert client.get(f"{LOOKED_FLOOR}1").status_code == 404


def test_floor_is_anonymous_and_the_signed_in_floor_needs_the_session_cookie(bench_server):
    base, _url, _patient = bench_server
    client = Client(base)
    floor = client.get(FLOOR)
    assert floor.status == 200 and floor.queries == 0
    refused = client.get(SIGNED_IN_FLOOR)
    assert refused.status == 302 and "/login" in refused.headers["location"]
    sign_in(client)
    assert "session" in client.cookie_header
    signed_in = client.get(SIGNED_IN_FLOOR)
    assert signed_in.status == 200 and signed_in.queries >= 1  # the user is loaded


def test_the_looked_floor_records_one_chained_look_at_the_chart_and_shows_nothing(bench_server, app):
    from intake.audit.chain import verify_chain
    from intake.audit.models import AuditEvent
    from intake.extensions import db

    base, _url, patient = bench_server
    client = Client(base)
    assert client.get(f"{LOOKED_FLOOR}{patient}").status == 302  # signed out: to the sign-in page
    sign_in(client)
    with app.app_context():
        before = db.session.scalar(db.select(db.func.max(AuditEvent.id)))
    looked = client.get(f"{LOOKED_FLOOR}{patient}")
    assert looked.status == 200 and looked.body == b"ok"
    assert client.get(f"{LOOKED_FLOOR}999999").status == 404
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.id > before)).all()
        assert [(e.action, e.patient_id, e.record_type, e.user_name) for e in events] == [
            ("view", patient, "patient", "Mei Chen")
        ]
        assert verify_chain().intact


def test_every_page_the_bench_loads_answers_200_with_its_query_count(bench_server):
    base, url, patient = bench_server
    client, admin = Client(base), Client(base)
    sign_in(client)
    sign_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    found = pages(client, url, patient)
    assert {"chart (long history)", "pain history", "pain table", "pain CSV", "signed visit note"} <= set(
        found
    )
    assert {"search: surname prefix", "search: phone digits", "search: date of birth", "Today (home)"} <= set(
        found
    )
    assert found["chart (long history)"] == f"/patients/{patient}"
    assert found["floor (signed in, look recorded)"] == f"{LOOKED_FLOOR}{patient}"
    for name, path in found.items():
        answer = (admin if needs_admin(path) else client).get(path)
        assert answer.status == 200, (name, path)
        assert answer.headers[QUERIES_HEADER.lower()].isdigit()


def test_draft_loop_saves_the_note_form_as_a_browser_would(bench_server):
    base, url, patient = bench_server
    client = Client(base)
    sign_in(client)
    edit = draft_visit(client, url, patient)
    assert edit.endswith("/edit")
    timings, queries = save_draft_loop(client, edit, saves=2)
    assert len(timings) == 2 and len(queries) == 2
    page = client.get(edit).text
    note = next(form for form in forms_of(page) if ("action", "save") in form["buttons"])
    assert ("activity", "Bench draft 1") in note["fields"]  # the second save landed
    assert draft_visit(client, url, patient) == edit  # the next run reuses the draft


def test_python_load_client_is_bounded_and_results_have_the_documented_keys(bench_server, tmp_path):
    base, url, patient = bench_server
    client = Client(base)
    sign_in(client)
    load = run_load(base + SIGNED_IN_FLOOR, client.cookie_header, duration=0.3, connections=2, tool="python")
    assert load["requests"] > 0 and load["errors"] == 0 and load["tool"] == "python"
    targets = {"floor (anonymous)": FLOOR, "floor (signed in)": SIGNED_IN_FLOOR}
    probes = {name: client.get(path) for name, path in targets.items()}
    rows = summarise(
        targets, probes, {name: [load] for name in targets}, [12.0, 14.0], [9, 9], {"pain table": 500}
    )
    results = [dict(database="sqlite", pages=rows)]
    write_results(results, tmp_path / "results.json")
    written = json.loads((tmp_path / "results.json").read_text())
    assert written[0]["database"] == "sqlite"
    assert [row["page"] for row in written[0]["pages"]] == [*targets, DRAFT_PAGE, "pain table"]
    for row in written[0]["pages"]:
        assert {"page", "p50_ms", "ratio", "queries", "bytes"} <= set(row)
    assert written[0]["pages"][0]["ratio"] == 1
    assert not written[0]["pages"][-1]["passed"]  # a page that did not answer 200 misses its target


@pytest.mark.db_independent
def test_data_sets_are_keyed_by_the_generator_arguments_and_refuse_nonsense():
    small = Size(500, 5000)
    assert dataset_key(small, "sqlite") == dataset_key(Size(500, 5000), "sqlite")
    assert dataset_key(small, "sqlite") != dataset_key(Size(500, 5001), "sqlite")
    assert dataset_key(small, "sqlite") != dataset_key(Size(500, 5000, seed=2), "sqlite")
    assert dataset_key(small, "sqlite") != dataset_key(small, "postgresql")
    with pytest.raises(BenchError, match="at least 1"):
        Size(-1, 10).check()
    with pytest.raises(BenchError, match="end date"):
        Size(1, 1, end_date="tomorrow").check()


@pytest.mark.db_independent
def test_a_reused_data_set_is_migrated_to_this_version_s_schema(tmp_path, capsys):
    """A data set outlives a new migration: reusing it brings it up to the head, as a clinic's database is."""
    import sqlite3
    from contextlib import closing

    from alembic.script import ScriptDirectory

    from benchmarks.dataset import ROOT, _flask, sqlite_dataset

    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    tiny = Size(12, 40, seed=3, end_date="2026-06-01")
    built = sqlite_dataset(tiny, data=tmp_path)
    database = built.url.removeprefix("sqlite:///")
    _flask(
        built, "db", "downgrade", ScriptDirectory(str(ROOT / "migrations")).get_revision(head).down_revision
    )  # as if it was built before the newest migration
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] != head
    capsys.readouterr()

    reused = sqlite_dataset(tiny, data=tmp_path)
    assert "Reusing the SQLite data set" in capsys.readouterr().out
    assert reused.url == built.url and reused.long_history_patient_id == built.long_history_patient_id
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert connection.execute("SELECT count(*) FROM patient").fetchone()[0] >= 12


@pytest.mark.db_independent
def test_chosen_pages_keep_the_floors_and_skip_the_draft_row():
    from benchmarks.run import chosen

    found = {"floor (anonymous)": FLOOR, "floor (signed in)": SIGNED_IN_FLOOR, "chart (long history)": "/patients/1",
             "pain history": "/patients/1/pain/", "audit log, by chart": "/audit/?chart_number=X"}  # fmt: skip
    assert chosen(found, "") == found
    assert list(chosen(found, "chart (long, Pain")) == [
        "floor (anonymous)", "floor (signed in)", "chart (long history)", "pain history",
    ]  # fmt: skip
    run = dict(requests_per_s=100.0, p50_ms=2.0, p95_ms=3.0, errors=0, tool="wrk")
    probe = type("Probe", (), {"queries": 0, "body": b"ok", "headers": {"content-type": "text/plain"}})()
    targets = {"floor (anonymous)": FLOOR}
    rows = summarise(targets, {"floor (anonymous)": probe}, {"floor (anonymous)": [run]}, None, [], {})
    assert [row["page"] for row in rows] == ["floor (anonymous)"]
    with_draft = summarise(targets, {"floor (anonymous)": probe}, {"floor (anonymous)": [run]}, [40.0], [20], {})
    assert [row["page"] for row in with_draft] == ["floor (anonymous)", DRAFT_PAGE]
