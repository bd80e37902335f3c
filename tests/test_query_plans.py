"""The key pages' queries are answered from an index, not by reading a whole table.

Each test makes the page's request through the app, catches the SQL the page sent, and asks the database how it
would run that statement (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with sequential scans priced out, since
the test tables are too small for the planner to bother with an index otherwise).
"""

import re
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from intake.database import utcnow
from intake.extensions import db
from intake.patients.models import Patient
from intake.patients.search import surname_starts_with
from intake.visits.models import Visit


@contextmanager
def captured_statements(app):
    """Collect (statement, parameters) of the SQL the app sends while the block runs."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def the_statement(statements, *fragments):
    """Return the one captured SELECT that contains every fragment."""
    found = [
        (sql, params)
        for sql, params in statements
        if sql.lstrip().upper().startswith("SELECT") and all(f in sql for f in fragments)
    ]
    assert len(found) == 1, f"expected one SELECT with {fragments}, got {[sql for sql, _ in found]}"
    return found[0]


def query_plan(app, sql, params, *, price_out=("enable_seqscan",)) -> str:
    """Return the database's plan for a statement, as one text (PostgreSQL: with ``price_out`` plans turned off)."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            for setting in price_out:
                connection.exec_driver_sql(f"SET LOCAL {setting} = off")
            rows = connection.exec_driver_sql("EXPLAIN " + sql, params).all()
            plan = "\n".join(row[0] for row in rows)
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            plan = "\n".join(row[-1] for row in rows)
        db.session.rollback()
    return plan


def assert_uses_index(plan: str, table: str, index: str) -> None:
    assert index in plan, plan
    assert f"Seq Scan on {table}" not in plan, plan  # PostgreSQL
    assert not any(line.strip() == f"SCAN {table}" for line in plan.splitlines()), plan  # SQLite


def other_patients_of_a_clinic(app, count: int = 400) -> None:
    """Add charts with other names, phones and birth dates, and (PostgreSQL) fresh statistics.

    On a table of a few test rows, or with statistics an earlier test left, PostgreSQL may walk the list-order
    index and filter every row; with a clinic's spread of phones and birth dates it looks the one up by index.
    """
    with app.app_context():
        db.session.add_all(
            Patient(
                chart_number=f"S-{n:05d}",
                first_name=f"Other{n}",
                last_name=f"Family{n % 97}",
                last_name_key=f"family{n % 97}",
                date_of_birth=date(1930, 1, 1) + timedelta(days=37 * n),
                phone=f"403-{200 + n % 700:03d}-{n:04d}",
                phone_digits=f"403{200 + n % 700:03d}{n:04d}",
            )
            for n in range(count)
        )
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE patient"))
            db.session.commit()


def test_todays_visits_of_a_practitioner_are_found_by_index(app, client, login, make_patient, make_visit):
    practitioner = login("practitioner")
    make_visit(make_patient(), practitioner, visit_at=utcnow())
    with (
        app.app_context()
    ):  # earlier days of one long-treated patient, so today's few visits are worth finding
        patient_id = make_patient().id
        db.session.add_all(
            Visit(
                patient_id=patient_id,
                practitioner_id=practitioner.id,
                visit_at=utcnow() - timedelta(days=day),
            )
            for day in range(2, 202)
        )
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE visit"))  # the planner sees these rows, not an earlier test's
            db.session.commit()
    with captured_statements(app) as statements:
        assert client.get("/").status_code == 200
    # The list of patients seen today (its count reads the same visits the same way).
    sql, params = the_statement(statements, "FROM visit", "visit.visit_at >=", "ORDER BY seen_by_patient")
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_bitmapscan"))
    assert_uses_index(plan, "visit", "ix_visit_practitioner_time")


def test_patient_list_first_page_reads_the_list_order_index(app, client, login, make_patient):
    login("front_desk")
    for n in range(3):
        make_patient(last_name=f"Family{n}")
    with captured_statements(app) as statements:
        assert client.get("/patients/").status_code == 200
    sql, params = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    # PostgreSQL sorts ten rows rather than read them in index order; at a clinic's size it reads the index.
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_sort"))
    assert_uses_index(plan, "patient", "ix_patient_list_order")
    assert "TEMP B-TREE" not in plan, plan  # SQLite sorts nothing: the index is in the page's order
    assert "Sort" not in plan, plan  # nor does PostgreSQL


def test_a_deep_patient_list_page_is_found_by_index_not_offset(app, client, login, make_patient):
    app.config["PATIENTS_PER_PAGE"] = 2
    login("front_desk")
    anchor = [make_patient(last_name=f"Family{n}") for n in range(5)][2]
    with captured_statements(app) as statements:
        assert client.get("/patients/", query_string={"after": anchor.id}).status_code == 200
    sql, params = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    assert "(patient.last_name, patient.first_name, patient.id) >" in sql  # from the anchor, not an offset
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_sort"))
    assert_uses_index(plan, "patient", "ix_patient_list_order")
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    # The index is entered at the anchor's place (SQLite: a row-value range; PostgreSQL: an index condition).
    assert "(last_name,first_name)>" in plan or re.search(r"Index Cond: .*last_name", plan), plan


def test_phone_search_matches_the_start_of_the_number_by_index(app, client, login, make_patient):
    login("front_desk")
    other_patients_of_a_clinic(app)
    make_patient(last_name="Okafor", phone="780-555-0142")
    with captured_statements(app) as statements:
        response = client.get("/patients/", query_string={"q": "780 555"})
    assert "Okafor" in response.get_data(as_text=True)
    sql, params = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    assert_uses_index(query_plan(app, sql, params), "patient", "ix_patient_phone_digits")


def test_date_of_birth_search_is_by_index(app, client, login, make_patient):
    login("front_desk")
    other_patients_of_a_clinic(app)
    make_patient(last_name="Okafor", date_of_birth=date(1961, 4, 12))
    with captured_statements(app) as statements:
        response = client.get("/patients/", query_string={"q": "1961-04-12"})
    assert "Okafor" in response.get_data(as_text=True)
    sql, params = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    assert_uses_index(query_plan(app, sql, params), "patient", "ix_patient_date_of_birth")


def test_surname_prefix_is_answered_by_the_lower_cased_index(app, make_patient):
    make_patient(last_name="Okafor")
    make_patient(last_name="OKEEFE")
    make_patient(last_name="Bergstrom")
    with app.app_context(), captured_statements(app) as statements:
        found = db.session.scalars(db.select(Patient.last_name).where(surname_starts_with("Ok"))).all()
    assert sorted(found) == ["OKEEFE", "Okafor"]
    sql, params = the_statement(statements, "FROM patient")
    assert_uses_index(query_plan(app, sql, params), "patient", "ix_patient_last_name_key")


def test_a_patients_visits_in_time_order_have_an_index(app, make_patient, make_user, make_visit):
    practitioner = make_user(role="practitioner")
    patient = make_patient()
    make_visit(patient, practitioner, visit_at=utcnow() - timedelta(days=3))
    with app.app_context(), captured_statements(app) as statements:
        db.session.scalars(
            db.select(Visit).where(Visit.patient_id == patient.id).order_by(Visit.visit_at.desc())
        ).all()
    sql, params = the_statement(statements, "FROM visit")
    # A few test rows make sorting a patient's visits after a lookup as cheap as reading them in order: price
    # out the sort, as a patient's 300 visits do, and the index that holds them in time order must be there.
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_sort"))
    assert_uses_index(plan, "visit", "ix_visit_patient_time")


def assert_no_patient_scan(plan: str) -> None:
    """Fail when the plan reads the patient table (or one of its indexes) from end to end."""
    assert "Seq Scan on patient" not in plan, plan  # PostgreSQL
    # PostgreSQL: an index scan without an Index Cond walks the whole index (say, in list order, filtering).
    nodes = re.split(r"\n\s*->", plan)
    for node in nodes:
        if re.search(r"Index (Only )?Scan (Backward )?using \S+ on patient", node):
            assert "Index Cond:" in node, plan
    # SQLite: "SCAN patient" or "SCAN patient USING INDEX …" walks every patient; the FTS5 table's own
    # "SCAN patient_name_search VIRTUAL TABLE INDEX 0:M…" is its trigram lookup (M: MATCH), not a walk.
    assert not re.search(r"^\s*SCAN patient( |$)", plan, re.MULTILINE), plan


def assert_found_by_trigrams(app, plan: str, *columns: str, reads_patients: bool = True) -> None:
    """Check the plan finds patients through the trigram index of each of ``columns`` and walks no table.

    A count on SQLite (``reads_patients=False``) counts the FTS5 table's matches, looking none up in the table.
    """
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        for column in columns:
            assert f"Bitmap Index Scan on ix_patient_{column}_trigram" in plan, plan
    else:
        assert re.search(r"SCAN patient_name_search VIRTUAL TABLE INDEX \d+:M", plan), plan
        assert ("SEARCH patient USING INTEGER PRIMARY KEY" in plan) == reads_patients, plan
    assert_no_patient_scan(plan)


def search_statements(app, client, query, **params):
    """Return the page's SELECT and its capped count's SELECT for a search of the patient list."""
    with captured_statements(app) as statements:
        response = client.get("/patients/", query_string={"q": query, **params})
    assert response.status_code == 200
    page = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    count = the_statement(statements, "count(*)", "FROM patient")
    return response.get_data(as_text=True), page, count


# Sequential scans are priced out (the test tables are tiny), plain index scans are not: a plan that walks a name
# index in list order, filtering every patient, is what PostgreSQL's planner would pick at a clinic's size.
TRIGRAMS_ONLY = ("enable_seqscan",)


def test_a_name_contains_search_is_answered_by_the_trigram_index(app, client, login, make_patient):
    login("front_desk")
    make_patient(first_name="Margaret", last_name="Okafor")
    make_patient(first_name="Tyler", last_name="Bergstrom")
    html, page, count = search_statements(app, client, "kafo")
    assert "Okafor" in html and "Bergstrom" not in html
    for (sql, params), reads_patients in ((page, True), (count, False)):
        plan = query_plan(app, sql, params, price_out=TRIGRAMS_ONLY)
        columns = ("chart_number", "first_name", "last_name", "preferred_name")
        assert_found_by_trigrams(app, plan, *columns, reads_patients=reads_patients)


def test_several_words_and_a_short_one_are_answered_by_the_trigram_index(app, client, login, make_patient):
    login("front_desk")
    make_patient(first_name="Isla", last_name="Patel")
    make_patient(first_name="Ava", last_name="Patel")
    html, page, count = search_statements(app, client, "is pat", archived="1")
    assert "Isla" in html and "Ava" not in html
    for sql, params in (page, count):
        assert_found_by_trigrams(app, query_plan(app, sql, params, price_out=TRIGRAMS_ONLY), "last_name")


def test_a_part_of_a_chart_number_is_answered_by_the_trigram_index(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(last_name="Okafor")
    html, page, _ = search_statements(app, client, patient.chart_number[:5])
    assert "Okafor" in html
    assert_found_by_trigrams(app, query_plan(app, page[0], page[1], price_out=TRIGRAMS_ONLY), "chart_number")


def test_words_too_short_for_trigrams_use_the_surname_index(app, client, login, make_patient):
    login("front_desk")
    make_patient(first_name="Wei", last_name="Li")
    make_patient(first_name="Lisa", last_name="Okafor")
    html, page, count = search_statements(app, client, "li")
    assert "Wei" in html and "Lisa" not in html
    for sql, params in (page, count):
        plan = query_plan(app, sql, params)
        assert "ix_patient_last_name_key" in plan, plan
        assert_no_patient_scan(plan)


def test_todays_lists_start_from_the_intakes_and_links_they_show(
    app, client, login, make_patient, make_submitted_intake
):
    """Not from every patient's intakes: at 20,000 patients that walk took Today 1.5 s."""
    login("practitioner")
    make_submitted_intake(make_patient(), saddle_numbness=True)
    with captured_statements(app) as statements:
        assert client.get("/").status_code == 200
    sql, params = the_statement(statements, "count(*)", "red_flag_count", "intake_access")
    plan = query_plan(app, sql, params)
    for table in ("patient_intake", "intake_access", "patient"):
        assert f"Seq Scan on {table}" not in plan, plan
        assert not any(line.strip() == f"SCAN {table}" for line in plan.splitlines()), plan
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        for index in (
            "ix_patient_intake_status_flags",
            "ix_patient_intake_status_review",
            "ix_intake_access_open",
            "ix_patient_intake_status_submitted",
        ):
            assert index in plan, plan
        assert "ix_patient_list_order" not in plan, plan  # not a walk of every patient
