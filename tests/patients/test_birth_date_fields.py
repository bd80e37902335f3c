"""The date of birth typed as day, month and year on the patient form: real, bounded, kept when refused."""

import re
from datetime import date, timedelta

import pytest

from intake.extensions import db
from intake.patients.models import Patient

DETAILS = {
    "first_name": "Margaret",
    "last_name": "Okafor",
    "phone": "(780) 555-0142",
    "province": "AB",
}


def _born(day: str, month: str, year: str) -> dict:
    return {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}


def _birth_dates(app) -> list[date]:
    with app.app_context():
        return list(db.session.scalars(db.select(Patient.date_of_birth)))


def _input_value(html: str, input_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html, re.S)
    assert match, input_id
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_the_form_asks_day_month_and_year_each_with_a_label_and_no_calendar(client, login):
    login("front_desk")
    html = client.get("/patients/new").get_data(as_text=True)
    assert 'type="date"' not in html
    part = re.search(r'<fieldset class="field date-parts[^"]*" id="date_of_birth".*?</fieldset>', html, re.S)
    assert part, "the date of birth is a group of its own"
    group = part.group(0)
    assert '<legend class="field__label">Date of birth</legend>' in group
    for piece, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert f'<label for="date_of_birth-{piece}">{label}</label>' in group
        assert f'name="date_of_birth-{piece}"' in group
    assert group.count('inputmode="numeric"') == 2  # the number keypad for day and year on a phone
    assert '<option value="3">March</option>' in group


def test_a_birth_date_typed_in_parts_is_saved(client, app, login):
    login("front_desk")
    response = client.post("/patients/new", data={**DETAILS, **_born("14", "3", "1978")})
    assert response.status_code == 302
    assert _birth_dates(app) == [date(1978, 3, 14)]


def test_editing_shows_the_saved_birth_date_in_its_parts(client, login, make_patient):
    patient = make_patient(date_of_birth=date(1961, 4, 2))
    login("front_desk")
    html = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    assert _input_value(html, "date_of_birth-day") == "2"
    assert _input_value(html, "date_of_birth-year") == "1961"
    assert re.search(r'<option value="4" selected>April</option>', html)


@pytest.mark.parametrize(
    "day, month, year, message, part",
    [
        ("31", "2", "1990", "February 1990 has no day 31; check the day and the month.", "day"),
        ("29", "2", "2023", "February 2023 has no day 29; check the day and the month.", "day"),
        ("1", "1", str(date.today().year + 1), "Date of birth cannot be in the future.", "year"),
        ("31", "12", "1899", "Date of birth cannot be before 1900.", "year"),
        ("ab", "4", "1961", "Enter the day as a number from 1 to 31.", "day"),
        ("12", "4", "nineteen", "Enter the year with four digits, like 1978.", "year"),
        ("12", "4", "61", "Enter the year with four digits, like 1978.", "year"),
        ("12", "13", "1961", "Choose the month.", "month"),
        ("12", "", "1961", "Date of birth must include the month.", "month"),
        ("", "4", "1961", "Date of birth must include the day.", "day"),
        ("", "", "", "Enter the date of birth: day, month and year.", "day"),
        ("１２", "4", "1961", "Enter the day as a number from 1 to 31.", "day"),  # full-width digits
    ],
)
def test_a_bad_birth_date_is_said_beside_the_field_and_what_was_typed_is_kept(
    client, app, login, day, month, year, message, part
):
    login("front_desk")
    response = client.post("/patients/new", data={**DETAILS, **_born(day, month, year)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    group = re.search(
        r'<fieldset class="field date-parts field--error" id="date_of_birth".*?</fieldset>', html, re.S
    )
    assert group, "the group is marked in error"
    assert f'<p class="field__error" id="date_of_birth-error">{message}</p>' in group.group(0)
    assert re.search(rf'id="date_of_birth-{part}"[^>]*aria-invalid="true"', html, re.S) or re.search(
        rf'aria-invalid="true"[^>]*id="date_of_birth-{part}"', html, re.S
    )
    # The summary's link lands on the part to fix.
    assert f'<a href="#date_of_birth-{part}">{message}</a>' in html
    assert _input_value(html, "date_of_birth-day") == day
    assert _input_value(html, "date_of_birth-year") == year
    assert 'value="Okafor"' in html  # the rest is kept too
    assert _birth_dates(app) == []


def test_one_yyyy_mm_dd_value_is_still_read(client, app, login):
    login("front_desk")
    assert client.post("/patients/new", data={**DETAILS, "date_of_birth": "1961-04-12"}).status_code == 302
    assert _birth_dates(app) == [date(1961, 4, 12)]
    future = (date.today() + timedelta(days=2)).isoformat()
    html = client.post("/patients/new", data={**DETAILS, "date_of_birth": future}).get_data(as_text=True)
    assert "Date of birth cannot be in the future." in html


def test_overlong_parts_are_refused_beside_the_field_not_a_500(client, login):
    login("front_desk")
    response = client.post("/patients/new", data={**DETAILS, **_born("1" * 5000, "4", "9" * 5000)})
    assert response.status_code in (400, 413, 422)
    if response.status_code == 422:
        assert "Enter the day as a number from 1 to 31." in response.get_data(as_text=True)


def test_what_was_typed_is_shown_back_escaped(client, login):
    """The date parts are drawn as markup by the field's widget: what was typed goes back escaped, never as HTML."""
    login("front_desk")
    response = client.post("/patients/new", data={**DETAILS, **_born('1"><b>x', "4", "19<i>"[:4])})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '"><b>x' not in html and "<b>x" not in html
    assert 'value="1&#34;&gt;&lt;b&gt;x"' in html or 'value="1&quot;&gt;&lt;b&gt;x"' in html
