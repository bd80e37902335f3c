"""Searching by phone digits: the start of a number, or a chart number, counted once each, at any number of matches.

A phone search whose digits match many patients (the area code and a common exchange) reads its page in list
order, sifting by phone; PATIENT_LIST_WALK_FROM sets from how many, so a handful of test rows shows that reading.
"""

import re

import pytest

from intake.extensions import db
from tests.test_query_plans import captured_statements, query_plan, the_statement

NAMES = ["Zhang", "Abara", "Moreau", "Okafor", "Bergstrom", "Larsen", "Nguyen", "Dubois"]


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'class="row-link" href="/patients/\d+">([^<,]+),', html)


def _next_page(html: str) -> str | None:
    match = re.search(r'href="([^"]+)">Next page</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _clinic_sharing_an_exchange(make_patient):
    """Eight charts whose phones start 780-555, one archived, and two with other numbers."""
    made = [make_patient(last_name=name, phone=f"780-555-{n:04d}") for n, name in enumerate(NAMES)]
    make_patient(last_name="Archivedson", phone="780-555-9999", is_archived=True)
    make_patient(last_name="Elsewhere", phone="403-555-0101")
    make_patient(last_name="Northside", phone="780-444-0101")
    return made


@pytest.mark.parametrize("walk_from", [3, 500])
def test_a_phone_search_lists_its_matches_in_name_order_and_counts_them(
    app, client, login, make_patient, walk_from
):
    app.config["PATIENTS_PER_PAGE"] = 3
    # 3: read in list order, sifting; 500: found by the phone index, then sorted
    app.config["PATIENT_LIST_WALK_FROM"] = walk_from
    login("front_desk")
    _clinic_sharing_an_exchange(make_patient)
    seen = []
    path = "/patients/?q=780+555"
    while path:
        html = client.get(path).get_data(as_text=True)
        assert "8 patients matching “780 555”." in html
        seen += _names_in_order(html)
        path = _next_page(html)
    assert seen == sorted(NAMES)
    archived = client.get("/patients/", query_string={"q": "780555", "archived": "1"}).get_data(as_text=True)
    assert "9 patients matching" in archived
    assert _names_in_order(archived) == ["Abara", "Archivedson", "Bergstrom"]


def test_a_chart_number_in_the_digits_is_found_beside_the_phones(app, client, login, make_patient):
    app.config["PATIENT_LIST_WALK_FROM"] = 3
    login("front_desk")
    _clinic_sharing_an_exchange(make_patient)
    charted = make_patient(last_name="Charted", phone="587-000-0000")
    digits = charted.chart_number.removeprefix("C-")
    for n in range(4):
        make_patient(last_name=f"Phoned{n}", phone=f"{digits}{n}")
    html = client.get("/patients/", query_string={"q": digits}).get_data(as_text=True)
    assert "5 patients matching" in html
    assert _names_in_order(html) == ["Charted", "Phoned0", "Phoned1", "Phoned2", "Phoned3"]


def test_a_chart_whose_phone_starts_with_its_own_number_is_counted_once(app, client, login, make_patient):
    app.config["PATIENT_LIST_WALK_FROM"] = 3
    login("front_desk")
    charted = make_patient(last_name="Charted", phone="587-000-0000")
    digits = charted.chart_number.removeprefix("C-")
    with app.app_context():
        db.session.execute(
            db.text("UPDATE patient SET phone = :phone, phone_digits = :digits WHERE id = :id"),
            {"phone": f"{digits}9", "digits": f"{digits}9", "id": charted.id},
        )
        db.session.commit()
    for n in range(4):
        make_patient(last_name=f"Phoned{n}", phone=f"{digits}{n}")
    html = client.get("/patients/", query_string={"q": digits}).get_data(as_text=True)
    assert "5 patients matching" in html
    assert _names_in_order(html).count("Charted") == 1


def test_many_phone_matches_are_read_in_list_order_and_counted_from_the_index(
    app, client, login, make_patient
):
    app.config["PATIENT_LIST_WALK_FROM"] = 3
    login("front_desk")
    _clinic_sharing_an_exchange(make_patient)
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "postgresql":
            db.session.execute(db.text("ANALYZE patient"))
            db.session.commit()
    with captured_statements(app) as statements:
        assert "Okafor" in client.get("/patients/", query_string={"q": "780555"}).get_data(as_text=True)
    sql, params = the_statement(statements, "FROM patient", "ORDER BY patient.last_name")
    page_plan = query_plan(app, sql, params)
    sql, params = the_statement(statements, "count(*)", "FROM patient")
    count_plan = query_plan(app, sql, params)
    assert "Seq Scan on patient" not in page_plan + count_plan
    assert "ix_patient_phone_digits" in count_plan, count_plan
    if dialect == "sqlite":
        # The page: the list-order index, nothing sorted; the count: the phone index alone, no patient's row.
        assert "ix_patient_list_order" in page_plan and "TEMP B-TREE" not in page_plan, page_plan
        assert "COVERING INDEX ix_patient_phone_digits" in count_plan, count_plan


@pytest.mark.parametrize("cap, shown", [(5, "More than 5 patients matching"), (8, "8 patients matching")])
def test_a_phone_search_counts_up_to_the_cap(app, client, login, make_patient, cap, shown):
    app.config["PATIENT_COUNT_CAP"] = cap
    login("front_desk")
    _clinic_sharing_an_exchange(make_patient)
    assert shown in client.get("/patients/", query_string={"q": "780-555"}).get_data(as_text=True)
