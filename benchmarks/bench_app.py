"""The app ``make bench`` serves: the real app plus three bare routes (the floors) and a query counter.

    gunicorn -w 2 -b 127.0.0.1:PORT benchmarks.wsgi:app

Nothing here is registered in the real app (wsgi.py): the floor routes and the ``X-Bench-Queries``
response header exist only in this module's app.
"""

from flask import Flask, g, has_request_context
from sqlalchemy import event

from intake import create_app
from intake.audit.models import VIEW
from intake.audit.operations import record_event
from intake.auth.access import public, roles_required
from intake.auth.roles import ALL_ROLES
from intake.extensions import db
from intake.patients.records import get_patient

#: The bare route, anonymous: what a request costs before the app does anything.
FLOOR = "/_bench/floor"
#: The same behind sign-in: session, user load and the role check.
SIGNED_IN_FLOOR = "/_bench/floor/signed-in"
#: The same again, recording the look at a chart as every page showing a patient does (its audit event,
#: chained and committed) and showing nothing: what such a page costs before it reads or draws anything.
LOOKED_FLOOR = "/_bench/floor/signed-in/looked/"
#: SQL statements the request ran (cursor executions), as a response header.
QUERIES_HEADER = "X-Bench-Queries"


def instrument(app: Flask) -> Flask:
    """Add the floor routes and the per-request SQL statement count to ``app`` (before its first request)."""

    @public
    def floor():
        return "ok"

    @roles_required(*ALL_ROLES)
    def signed_in_floor():
        return "ok"

    @roles_required(*ALL_ROLES)
    def looked_floor(patient_id: int):
        patient = get_patient(patient_id)
        record_event(VIEW, patient=patient, record_type="patient", record_id=patient.id)
        db.session.commit()
        return "ok"

    app.add_url_rule(FLOOR, "bench_floor", floor)
    app.add_url_rule(SIGNED_IN_FLOOR, "bench_signed_in_floor", signed_in_floor)
    app.add_url_rule(LOOKED_FLOOR + "<int:patient_id>", "bench_looked_floor", looked_floor)

    def count_statement(*_args, **_kwargs):
        if has_request_context():
            g.bench_queries = g.get("bench_queries", 0) + 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count_statement)

    @app.after_request
    def add_query_count(response):
        response.headers[QUERIES_HEADER] = str(g.get("bench_queries", 0))
        return response

    return app


def create_bench_app() -> Flask:
    """The app from the environment (DATABASE_URL, INTAKE_INSTANCE_PATH, INTAKE_CONFIG), instrumented."""
    return instrument(create_app())
