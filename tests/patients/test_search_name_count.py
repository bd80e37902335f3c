"""A search by part of a name counts its matches, without the archived ones, up to the cap."""

import pytest

from intake.extensions import db
from tests.test_query_plans import captured_statements, query_plan, the_statement


def _okafors(make_patient, *, active: int, archived: int) -> None:
    for n in range(active):
        make_patient(first_name=f"Ada{n}", last_name="Okafor")
    for n in range(archived):
        make_patient(first_name=f"Old{n}", last_name="Okafor", is_archived=True)
    make_patient(first_name="Tyler", last_name="Bergstrom")


def test_the_archived_matches_are_not_counted_unless_asked_for(app, client, login, make_patient):
    login("front_desk")
    _okafors(make_patient, active=3, archived=2)
    assert "3 patients matching “kafo”." in client.get("/patients/?q=kafo").get_data(as_text=True)
    html = client.get("/patients/?q=kafo&archived=1").get_data(as_text=True)
    assert "5 patients matching “kafo”." in html


@pytest.mark.parametrize(
    "cap, shown",
    [
        (3, "More than 3 patients matching"),
        (4, "4 patients matching"),  # six found, two of them archived: four, not "more than four"
        (5, "4 patients matching"),
    ],
)
def test_a_name_search_counts_up_to_the_cap_after_leaving_out_the_archived(
    app, client, login, make_patient, cap, shown
):
    app.config["PATIENT_COUNT_CAP"] = cap
    login("front_desk")
    _okafors(make_patient, active=4, archived=2)
    assert shown in client.get("/patients/?q=okafor").get_data(as_text=True)


def test_a_chart_number_or_a_name_containing_the_text_are_counted_once(app, client, login, make_patient):
    login("front_desk")
    charted = make_patient(first_name="Ada", last_name="Okafor")
    number = charted.chart_number  # e.g. C-001001: every chart shares "C-00"; no name holds it
    make_patient(first_name="Ben", last_name="Okafor")
    html = client.get("/patients/", query_string={"q": number}).get_data(as_text=True)
    assert "1 patient matching" in html and "Ada" in html and "Ben" not in html


def test_a_name_search_is_counted_by_the_trigram_index_reading_no_patient(app, client, login, make_patient):
    login("front_desk")
    _okafors(make_patient, active=3, archived=1)
    with captured_statements(app) as statements:
        assert client.get("/patients/?q=okafor").status_code == 200
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL counts a search by its pg_trgm indexes (test_query_plans)")
    sql, params = the_statement(statements, "count(*)", "FROM patient")
    plan = query_plan(app, sql, params)
    assert "VIRTUAL TABLE INDEX" in plan, plan
    # Only the archived patients are read, from the list-order index; no match is looked up in the table.
    assert "USING INTEGER PRIMARY KEY" not in plan, plan
    assert "COVERING INDEX ix_patient_list_order (is_archived=?)" in plan, plan
