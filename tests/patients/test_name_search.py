"""Finding patients by any part of a name: the trigram index follows every change to a patient (migration 0011)."""

import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from intake import create_app
from intake.extensions import db
from intake.patients.models import NAME_SEARCH_TABLE, TRIGRAM_INDEXES, Patient
from intake.patients.operations import create_patient
from intake.patients.search import patient_search_filter
from tests.conftest import TEST_DATABASE_URL
from tests.fixtures.migrations import empty_database_url
from tests.patients.test_patients import VALID

#: A PostgreSQL schema of its own in the test database, emptied first, for the migration's round trip.
ROUND_TRIP_SCHEMA = "name_search_check"
VALID_BIRTH = date(1961, 4, 12)


def found(client, query, **params):
    """Return the chart numbers the patient list shows for a search."""
    html = client.get("/patients/", query_string={"q": query, **params}).get_data(as_text=True)
    return set(re.findall(r"C-\d{6}", html))


def test_a_new_patient_is_found_by_any_part_of_a_name(client, login):
    login("front_desk")
    response = client.post("/patients/new", data=VALID)
    assert response.status_code == 302
    chart_number = re.search(r"C-\d{6}", client.get(response.location).get_data(as_text=True)).group(0)
    for query in ("kafo", "OKAF", "garet", "aggi", "maggie okafor", "Okafor, Margaret", chart_number[:5]):
        assert found(client, query) == {chart_number}, query
    assert found(client, "okafor zzz") == set()


def test_an_edited_name_is_found_by_the_new_name_only(client, login, make_patient):
    login("front_desk")
    patient = make_patient(first_name="Margaret", last_name="Okafor", preferred_name="Maggie")
    response = client.post(
        f"/patients/{patient.id}/edit",
        data={**VALID, "first_name": "Adaeze", "last_name": "Bergström", "preferred_name": "Ada"},
    )
    assert response.status_code == 302
    assert found(client, "ström") == {patient.chart_number}
    assert found(client, "STRÖM") == {patient.chart_number}  # case folded beyond ASCII too
    assert found(client, "daez") == {patient.chart_number}
    assert found(client, "ada berg") == {patient.chart_number}
    assert found(client, "kafo") == set()
    assert found(client, "maggie") == set()


def test_an_archived_patient_is_found_only_when_asked_and_again_once_restored(client, login, make_patient):
    login("front_desk")
    patient = make_patient(last_name="Okafor")
    assert client.post(f"/patients/{patient.id}/archive").status_code == 302
    assert found(client, "kafo") == set()
    assert found(client, "kafo", archived="1") == {patient.chart_number}
    assert client.post(f"/patients/{patient.id}/restore").status_code == 302
    assert found(client, "kafo") == {patient.chart_number}


def test_words_of_one_or_two_letters(client, login, make_patient):
    login("front_desk")
    li_wei = make_patient(first_name="Wei", last_name="Li")
    isla = make_patient(first_name="Isla", last_name="Patel")
    ava = make_patient(first_name="Ava", last_name="Patel")
    lisa = make_patient(first_name="Lisa", last_name="Okafor")
    # Alone, a short word is the start of the surname (a trigram index cannot look it up).
    assert found(client, "li") == {li_wei.chart_number}
    assert found(client, "wei li") == {li_wei.chart_number}
    assert found(client, "w li") == {li_wei.chart_number}
    # Beside a longer word it may be anywhere in a name, as the longer word may.
    assert found(client, "is pat") == {isla.chart_number}
    assert found(client, "li okafor") == {lisa.chart_number}
    assert found(client, "a patel") == {isla.chart_number, ava.chart_number}


@pytest.mark.parametrize(
    "query", ['o"kafor', "kafo*", "(okafor", "zzz OR kafo", "NEAR(okafor)", "{last_name}: x", ",,,", "kafo%"]
)
def test_search_syntax_in_what_staff_type_is_only_text(client, login, make_patient, query):
    login("front_desk")
    make_patient(last_name="Okafor")
    response = client.get("/patients/", query_string={"q": query})
    assert response.status_code == 200
    assert "Okafor" not in response.get_data(as_text=True)


def _search_objects(connection) -> set[str]:
    """Return the trigram search's tables, triggers and indexes the database holds."""
    inspector = inspect(connection)
    names = {index["name"] for index in inspector.get_indexes("patient")} & set(TRIGRAM_INDEXES.values())
    if connection.dialect.name == "sqlite":
        names |= {NAME_SEARCH_TABLE} & set(inspector.get_table_names())
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'patient'"
        names |= set(connection.execute(text(triggers)).scalars())
    return names


def _found_last_names(query):
    return set(db.session.scalars(db.select(Patient.last_name).where(patient_search_filter(query))))


def _add_patient_at_an_older_revision(chart_number: str, first_name: str, last_name: str) -> None:
    """Insert only the columns every revision since 0010 has (the model may have newer ones), off the counter."""
    db.session.execute(
        Patient.__table__.insert().values(
            chart_number=chart_number,
            first_name=first_name,
            last_name=last_name,
            last_name_key=last_name.lower(),
            date_of_birth=VALID_BIRTH,
        )
    )


@pytest.mark.usefixtures("loggers_kept")
def test_the_migration_goes_down_and_up_again_indexing_the_patients_there(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url(tmp_path, ROUND_TRIP_SCHEMA))
    expected = set(TRIGRAM_INDEXES.values())
    if not TEST_DATABASE_URL:
        expected = {NAME_SEARCH_TABLE} | {
            f"{NAME_SEARCH_TABLE}_{change}" for change in ("insert", "update", "delete")
        }
    with app.app_context():
        upgrade(revision="0010_scale_indexes")
        _add_patient_at_an_older_revision("C-900001", "Margaret", "Okafor")
        db.session.commit()
        with db.engine.connect() as connection:
            assert _search_objects(connection) == set()
        upgrade()  # indexes the patients already there
        with db.engine.connect() as connection:
            assert _search_objects(connection) == expected
        create_patient(dict(first_name="Tyler", last_name="Bergstrom", date_of_birth=VALID_BIRTH))
        db.session.commit()
        assert _found_last_names("kafo") == {"Okafor"}
        assert _found_last_names("gstro") == {"Bergstrom"}
        db.session.remove()
        downgrade(revision="0010_scale_indexes")
        with db.engine.connect() as connection:
            assert _search_objects(connection) == set()
        # Added while the index is gone: no trigger is left to index it, the next upgrade does.
        _add_patient_at_an_older_revision("C-900002", "Ava", "Patel")
        db.session.commit()
        upgrade()
        assert _found_last_names("kafo") == {"Okafor"}
        assert _found_last_names("atel") == {"Patel"}
        db.session.remove()
        db.engine.dispose()
