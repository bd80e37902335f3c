"""The history pages cost the same number of SQL queries for 1 visit or 200."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from intake.extensions import db


@contextmanager
def counting_queries(app):
    """Collect the SQL statements the app sends while the block runs."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("page", ["", "table", "export.csv"])
def test_history_queries_do_not_grow_with_the_number_of_visits(
    app, client, login, make_user, make_patient, make_intake, make_treatment_history, page
):
    practitioner = make_user(role="practitioner")
    patients = {}
    for visits in (1, 200):
        patient = patients[visits] = make_patient()
        make_intake(patient, status="submitted", odi_percent=40.0)
        make_treatment_history(
            patient, practitioner, visits=visits, regions=("lower_back_l", "lower_back_r", "hip_l")
        )
    login("practitioner")
    counts = {}
    for visits, patient in patients.items():
        url = f"/patients/{patient.id}/pain/{page}"
        client.get(url)  # first request warms caches (figure, templates) outside the count
        with counting_queries(app) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts[visits] = len(statements)
    assert counts[1] == counts[200]
    # signed-in user and session checks, the patient, the audit row (chain head, insert); then, each bounded
    # by the period: the latest score's time (the default period), the occasion counts, each region's first
    # and latest, the before/after pairs, the scores (or monthly means, or one page of the table), the ODI
    assert counts[200] <= 14


def test_two_hundred_visits_are_all_on_the_history(client, login, make_patient, make_treatment_history):
    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(patient, practitioner, visits=200, regions=("lower_back_l",))
    html = ""
    for page in range(1, 10):  # all time, 50 occasions a page: 400 occasions on 8 pages
        html += client.get(f"/patients/{patient.id}/pain/table?period=all&page={page}").get_data(as_text=True)
    assert html.count('<td data-label="Context">Before treatment</td>') == 200
    assert html.count('<td data-label="Context">After treatment</td>') == 200
