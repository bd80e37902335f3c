"""No duplicate charts: a new (or edited) chart that looks like an existing one shows it and asks first."""

import re
from datetime import date

import pytest
from sqlalchemy import event

from intake.extensions import db
from intake.patients.models import Patient
from tests.patients.test_patients import VALID
from tests.test_query_plans import captured_statements, query_plan, the_statement

BORN = date(1961, 4, 12)


def _form(**changes):
    return {**VALID, "phone": "587-555-0199", "email": "", **changes}


def _patient_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(db.select(Patient)).all())


def _warned_about(html: str) -> set[str]:
    """Return the chart numbers the possible-duplicate warning lists."""
    if "This may be a patient who already has a chart" not in html:
        return set()
    warning = html.split('id="duplicates-heading"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r"Chart (C-\d{6})", warning))


@pytest.mark.parametrize(
    "typed",
    [
        {"first_name": "margaret", "last_name": "OKAFOR"},  # case
        {"first_name": "Margarét", "last_name": "Ókafor"},  # accents
        {"first_name": "Margaret", "last_name": "Okafor-Reyes"},  # a hyphenated surname
        {"first_name": "Okafor", "last_name": "Margaret"},  # first and last name swapped
        {
            "first_name": "Maggie",
            "last_name": "Okafor",
            "preferred_name": "",
        },  # the preferred name as first name
        {
            "first_name": "Marg",
            "last_name": "O'Kafor",
            "preferred_name": "",
        },  # the start of the name, an apostrophe
    ],
)
def test_a_similar_name_born_the_same_day_is_shown_before_a_chart_is_made(
    app, client, login, make_patient, typed
):
    existing = make_patient(
        first_name="Margaret",
        last_name="Okafor",
        preferred_name="Maggie",
        date_of_birth=BORN,
        phone="780-555-0101",
    )
    login("front_desk")
    response = client.post("/patients/new", data=_form(**{"preferred_name": "", **typed}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _warned_about(html) == {existing.chart_number}
    assert "same date of birth and a similar name" in html
    assert f'href="/patients/{existing.id}" target="_blank" rel="noopener"' in html
    assert _patient_count(app) == 1
    # What was typed is kept through the warning.
    assert f'value="{typed["last_name"]}"' in html.replace("&#39;", "'")
    assert 'value="587-555-0199"' in html
    assert "Create a new chart anyway" in html


def test_two_different_people_born_the_same_day_get_no_warning(app, client, login, make_patient):
    make_patient(first_name="Tyler", last_name="Bergstrom", date_of_birth=BORN, phone="780-555-0101")
    make_patient(
        first_name="Maria", last_name="Okafor", date_of_birth=BORN, phone="780-555-0102"
    )  # a twin sister
    login("front_desk")
    response = client.post("/patients/new", data=_form())
    assert response.status_code == 302
    assert _patient_count(app) == 3


@pytest.mark.parametrize(
    "typed, reason",
    [
        ({"phone": "(780) 555-0101"}, "same phone number"),
        ({"email": "M.Okafor@Example.com"}, "same email"),
    ],
)
def test_the_same_phone_or_email_is_shown_whatever_the_name(app, client, login, make_patient, typed, reason):
    existing = make_patient(
        first_name="Grace",
        last_name="Nwosu",
        date_of_birth=date(1990, 1, 2),
        phone="780.555.0101",
        email="m.okafor@example.com",
    )
    login("front_desk")
    html = client.post("/patients/new", data=_form(**typed)).get_data(as_text=True)
    assert _warned_about(html) == {existing.chart_number}
    assert reason in html


def test_create_anyway_makes_the_chart_once_the_matches_were_seen(app, client, login, make_patient):
    existing = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    login("front_desk")
    html = client.post("/patients/new", data=_form()).get_data(as_text=True)
    seen = re.search(r'name="duplicates_seen" type="hidden" value="([^"]*)"', html).group(1)
    assert seen == str(existing.id)
    response = client.post("/patients/new", data=_form(duplicates_seen=seen))
    assert response.status_code == 302
    assert _patient_count(app) == 2


def test_a_match_not_yet_shown_warns_again(app, client, login, make_patient):
    first = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    login("front_desk")
    client.post("/patients/new", data=_form())
    second = make_patient(first_name="Maggie", last_name="Okafor", date_of_birth=BORN)  # added meanwhile
    html = client.post("/patients/new", data=_form(duplicates_seen=str(first.id))).get_data(as_text=True)
    assert _warned_about(html) == {first.chart_number, second.chart_number}
    assert _patient_count(app) == 2


def test_a_tampered_list_of_seen_charts_still_warns(app, client, login, make_patient):
    make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    login("front_desk")
    html = client.post("/patients/new", data=_form(duplicates_seen="1;DROP")).get_data(as_text=True)
    assert "This may be a patient who already has a chart" in html
    assert _patient_count(app) == 1


def test_a_half_typed_form_shows_its_messages_beside_the_fields_and_no_warning(
    app, client, login, make_patient
):
    make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    login("front_desk")
    response = client.post("/patients/new", data=_form(last_name="", date_of_birth="1961-04"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the last name." in html and 'value="Margaret"' in html
    assert _warned_about(html) == set()
    assert _patient_count(app) == 1


def test_editing_a_chart_to_look_like_another_warns_but_an_unrelated_edit_does_not(
    app, client, login, make_patient
):
    existing = make_patient(
        first_name="Margaret", last_name="Okafor", date_of_birth=BORN, phone="780-555-0101"
    )
    other = make_patient(first_name="Margo", last_name="Okafor", date_of_birth=date(1962, 4, 12))
    login("front_desk")
    edit = _form(
        first_name="Margaret", date_of_birth="1962-04-12", phone="780-555-0177", staff_notes="Moved."
    )
    assert client.post(f"/patients/{other.id}/edit", data=edit).status_code == 302  # not its own duplicate
    html = client.post(f"/patients/{other.id}/edit", data={**edit, "date_of_birth": "1961-04-12"}).get_data(
        as_text=True
    )
    assert _warned_about(html) == {existing.chart_number}
    assert "Save changes anyway" in html
    with app.app_context():
        assert db.session.get(Patient, other.id).date_of_birth == date(1962, 4, 12)
    seen = re.search(r'name="duplicates_seen" type="hidden" value="([^"]*)"', html).group(1)
    response = client.post(
        f"/patients/{other.id}/edit", data={**edit, "date_of_birth": "1961-04-12", "duplicates_seen": seen}
    )
    assert response.status_code == 302


def test_a_merged_chart_is_not_offered_as_a_match(app, client, login, make_patient):
    kept = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    merged = make_patient(first_name="Maggie", last_name="Okafor", date_of_birth=BORN)
    with app.app_context():
        db.session.get(Patient, merged.id).merged_into_id = kept.id
        db.session.commit()
    login("front_desk")
    html = client.post("/patients/new", data=_form()).get_data(as_text=True)
    assert _warned_about(html) == {kept.chart_number}


def _queries_of_post(app, client, data) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post("/patients/new", data=data)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_the_duplicate_check_costs_the_same_queries_for_1_or_60_charts_alike(
    app, client, login, make_patient
):
    login("front_desk")
    counts = {}
    made = 0
    for charts in (1, 60):
        while made < charts:
            make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN, phone="780-555-0101")
            made += 1
        counts[charts] = _queries_of_post(app, client, _form(phone="780-555-0101", email="m@example.com"))
    assert counts[1] == counts[60]


def test_the_duplicate_check_looks_up_birth_date_phone_and_email_by_their_indexes(
    app, client, login, make_patient
):
    make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN)
    login("front_desk")
    with captured_statements(app) as statements:
        client.post("/patients/new", data=_form(phone="780-555-0101", email="m@example.com"))
    sql, params = the_statement(statements, "FROM patient", "patient.phone_digits =", "patient.email =")
    # A test table of one row lets PostgreSQL walk the primary key in the answer's order and filter; priced
    # out (with the scan), it shows the three lookups it makes at a clinic's size.
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_indexscan"))
    for index in ("ix_patient_date_of_birth", "ix_patient_phone_digits", "ix_patient_email"):
        assert index in plan, plan
    assert "Seq Scan on patient" not in plan, plan
    assert not any(line.strip() == "SCAN patient" for line in plan.splitlines()), plan
