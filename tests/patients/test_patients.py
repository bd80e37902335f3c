"""Patient records through the pages staff use."""

import re
from datetime import date, timedelta

import pytest

from intake.auth.roles import ADMIN
from intake.extensions import db
from intake.patients import chart
from intake.patients.chart import sections_for
from intake.patients.models import Patient

VALID = {
    "first_name": "Margaret",
    "last_name": "Okafor",
    "preferred_name": "Maggie",
    "date_of_birth": "1961-04-12",
    "sex_at_birth": "female",
    "gender": "",
    "phone": "(780) 555-0142",
    "email": "Maggie@Example.com",
    "address_line": "10234 104 St NW",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "t5j1b2",
    "personal_health_number": "12345-6789",
    "emergency_contact_name": "Daniel Okafor",
    "emergency_contact_relationship": "Husband",
    "emergency_contact_phone": "780 555 0143",
    "staff_notes": "Prefers mornings.",
}


def _patients(app):
    with app.app_context():
        return db.session.scalars(db.select(Patient).order_by(Patient.id)).all()


@pytest.mark.parametrize("role", ["front_desk", "practitioner", "admin"])
def test_staff_create_a_patient_with_a_chart_number(client, app, login, role):
    login(role)
    response = client.post("/patients/new", data=VALID)
    assert response.status_code == 302
    [patient] = _patients(app)
    assert response.headers["Location"] == f"/patients/{patient.id}"
    assert patient.chart_number == "C-001001"
    assert patient.personal_health_number == "123456789"
    assert patient.postal_code == "T5J 1B2"
    assert patient.email == "maggie@example.com"
    assert patient.phone_digits == "7805550142"
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Okafor, Margaret (Maggie)" in chart
    assert "C-001001" in chart
    assert "Daniel Okafor" in chart


def test_chart_numbers_are_unique_and_sequential(make_patient):
    numbers = [make_patient().chart_number for _ in range(3)]
    assert numbers == ["C-001001", "C-001002", "C-001003"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("first_name", "", "Enter the first name."),
        ("last_name", "   ", "Enter the last name."),
        ("date_of_birth", "", "Enter the date of birth as YYYY-MM-DD."),
        ("date_of_birth", "12/04/1961", "Enter the date of birth as YYYY-MM-DD."),
        (
            "date_of_birth",
            (date.today() + timedelta(days=2)).isoformat(),
            "Date of birth cannot be in the future.",
        ),
        ("date_of_birth", "1899-12-31", "Date of birth cannot be before 1900."),
        ("phone", "", "Enter a phone number."),
        ("phone", "555-01", "Enter a phone number with area code"),
        ("phone", "call me maybe", "Enter a phone number with area code"),
        ("emergency_contact_phone", "12", "Enter a phone number with area code"),
        ("email", "maggie@", "Enter a valid email address"),
        ("personal_health_number", "12345678", "exactly 9 digits"),
        ("personal_health_number", "1234567890", "exactly 9 digits"),
        ("personal_health_number", "12345678A", "exactly 9 digits"),
        ("postal_code", "12345", "Enter a Canadian postal code"),
        ("first_name", "x" * 81, "First name must be at most 80 characters."),
        ("staff_notes", "x" * 4001, "Notes for staff must be at most 4000 characters."),
        ("province", "XX", "Not a valid choice"),
    ],
)
def test_bad_patient_details_are_refused_beside_the_field(client, app, login, field, value, message):
    login("front_desk")
    data = {**VALID, field: value}
    response = client.post("/patients/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    # Everything else typed is still in the form.
    assert 'value="Okafor"' in html or field == "last_name"
    assert "Prefers mornings." in html or field == "staff_notes"
    assert _patients(app) == []


def test_edit_keeps_chart_number_and_saves_changes(client, app, login, make_patient):
    login("front_desk")
    patient = make_patient(last_name="Song")
    form = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    assert 'value="Song"' in form
    response = client.post(f"/patients/{patient.id}/edit", data={**VALID, "last_name": "Song-Li"})
    assert response.status_code == 302
    [saved] = _patients(app)
    assert saved.last_name == "Song-Li"
    assert saved.chart_number == patient.chart_number


def test_failed_edit_changes_nothing_saved(client, app, login, make_patient):
    login("front_desk")
    patient = make_patient(last_name="Song")
    response = client.post(
        f"/patients/{patient.id}/edit", data={**VALID, "last_name": "Song-Li", "phone": "nope"}
    )
    assert response.status_code == 422
    assert 'value="Song-Li"' in response.get_data(as_text=True)
    assert _patients(app)[0].last_name == "Song"


def test_unknown_patient_is_404(client, login):
    login()
    assert client.get("/patients/999").status_code == 404
    assert client.get("/patients/999/edit").status_code == 404


def test_search_by_name_phone_birth_date_and_chart_number(client, login, make_patient):
    login("front_desk")
    okafor = make_patient(
        first_name="Margaret", last_name="Okafor", phone="780-555-0142", date_of_birth=date(1961, 4, 12)
    )
    make_patient(
        first_name="Tyler", last_name="Bergstrom", phone="587-555-0199", date_of_birth=date(1988, 9, 3)
    )

    def names(query):
        html = client.get("/patients/", query_string={"q": query}).get_data(as_text=True)
        return {n for n in ("Okafor", "Bergstrom") if n in html}

    assert names("okaf") == {"Okafor"}
    assert names("margaret okafor") == {"Okafor"}
    assert names("Okafor, Margaret") == {"Okafor"}
    assert names("(780) 555-0142") == {"Okafor"}
    assert names("5875550") == {"Bergstrom"}  # digits are the start of the phone number (by index)
    assert names("5550199") == set()  # not the middle of one
    assert names(okafor.chart_number.removeprefix("C-").lstrip("0")) == {"Okafor"}  # 1001 is C-001001
    assert names("1988-09-03") == {"Bergstrom"}
    assert names(okafor.chart_number) == {"Okafor"}
    assert names("") == {"Okafor", "Bergstrom"}
    assert names("zzz") == set()
    assert names("100%_") == set()


def test_archived_patients_are_hidden_unless_asked(client, login, make_patient):
    login("front_desk")
    make_patient(last_name="Current")
    make_patient(last_name="Former", is_archived=True)
    html = client.get("/patients/").get_data(as_text=True)
    assert "Current" in html and "Former" not in html
    html = client.get("/patients/?archived=1").get_data(as_text=True)
    assert "Current" in html and "Former" in html


def test_archive_and_restore_never_delete(client, app, login, make_patient):
    login("front_desk")
    patient = make_patient()
    assert client.get(f"/patients/{patient.id}/archive").status_code == 405
    assert client.post(f"/patients/{patient.id}/archive").status_code == 302
    assert _patients(app)[0].is_archived is True
    assert b"Archived" in client.get(f"/patients/{patient.id}").data
    assert client.post(f"/patients/{patient.id}/restore").status_code == 302
    assert _patients(app)[0].is_archived is False


def _pager_link(html: str, label: str) -> str | None:
    match = re.search(rf'href="([^"]+)">{label}</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_patient_list_is_paginated(client, app, login, make_patient):
    app.config["PATIENTS_PER_PAGE"] = 5
    login("front_desk")
    for n in range(12):
        make_patient(last_name=f"Family{n:02d}")
    page1 = client.get("/patients/").get_data(as_text=True)
    assert "Family00" in page1 and "Family04" in page1 and "Family05" not in page1
    assert "12 patients." in page1 and _pager_link(page1, "Previous page") is None
    page2 = client.get(_pager_link(page1, "Next page")).get_data(as_text=True)
    assert "Family05" in page2 and "Family09" in page2 and "Family04" not in page2
    page3 = client.get(_pager_link(page2, "Next page")).get_data(as_text=True)
    assert "Family10" in page3 and "Family11" in page3 and "Family09" not in page3
    assert _pager_link(page3, "Next page") is None
    back = client.get(_pager_link(page3, "Previous page")).get_data(as_text=True)
    assert "Family05" in back and "Family09" in back and "Family10" not in back
    back = client.get(_pager_link(back, "Previous page")).get_data(as_text=True)
    assert "Family00" in back and "Family04" in back and _pager_link(back, "Previous page") is None
    for junk in ("?after=99999", "?before=abc", "?page=99", "?page=abc", "?after=-1&before=0"):
        html = client.get("/patients/" + junk).get_data(as_text=True)
        assert "Family00" in html and "Family05" not in html  # the first page


def test_paging_keeps_the_search_and_the_archived_choice(client, app, login, make_patient):
    app.config["PATIENTS_PER_PAGE"] = 2
    login("front_desk")
    for n in range(3):
        make_patient(last_name=f"Okafor{n}")
    make_patient(last_name="Okafor9", is_archived=True)
    make_patient(last_name="Bergstrom")
    page1 = client.get("/patients/", query_string={"q": "okafor", "archived": "1"}).get_data(as_text=True)
    link = _pager_link(page1, "Next page")
    assert "q=okafor" in link and "archived=1" in link
    page2 = client.get(link).get_data(as_text=True)
    assert "Okafor2" in page2 and "Okafor9" in page2 and "Bergstrom" not in page2


def test_patient_count_stops_at_the_cap(client, app, login, make_patient):
    app.config["PATIENT_COUNT_CAP"] = 3
    login("front_desk")
    for n in range(4):
        make_patient(last_name=f"Family{n}")
    assert "More than 3 patients." in client.get("/patients/").get_data(as_text=True)
    app.config["PATIENT_COUNT_CAP"] = 4
    assert "4 patients." in client.get("/patients/").get_data(as_text=True)


def test_empty_search_box_is_empty(client, login):
    login("front_desk")
    html = client.get("/patients/").get_data(as_text=True)
    assert 'name="q" value=""' in html
    assert "None" not in html


def test_the_chart_sections_are_one_list_in_page_order(app):
    with app.test_request_context():
        keys = [section.key for section in sections_for(ADMIN)]
    assert keys == [
        "intake_alerts", "progress", "visits", "pain", "intake", "intake_answers", "messages", "printout", "record",
        "audit_viewers",
    ]  # fmt: skip
    every_key = [s.key for s in app.extensions[chart.EXTENSION_KEY]]
    assert [key for key in every_key if key in keys] == keys
    assert {"visit_action", "check_in_action", "intake_desk"} <= set(every_key) - set(
        keys
    )  # practitioner, desk
