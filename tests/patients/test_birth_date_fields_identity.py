"""The patient confirms their date of birth on a link in day, month and year, like the staff's patient form."""

import re

from tests.questionnaire.answers import start_link
from tests.questionnaire.test_identity import BIRTH_DATE, COMPLAINT_CANARY, WRONG_DATE, half_fill


def _parts(day: str, month: str, year: str) -> dict:
    return {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}


def test_the_confirmation_asks_day_month_and_year_refuses_a_date_that_is_not_real_and_confirms_the_right_one(
    app, client, login, make_patient
):
    login("front_desk")
    patient = make_patient(date_of_birth=BIRTH_DATE)
    half_fill(app, client, patient)
    link = start_link(client, patient)
    phone = app.test_client()

    html = phone.get(f"{link}/confirm").get_data(as_text=True)
    assert '<legend class="field__label">Your date of birth</legend>' in html
    assert 'type="date"' not in html
    for part in ("day", "month", "year"):
        assert f'name="date_of_birth-{part}"' in html

    refused = phone.post(f"{link}/confirm", data=_parts("30", "2", "1958"))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert '<p class="field__error" id="date_of_birth-error">February 1958 has no day 30;' in html
    assert '<a href="#date_of_birth-day">February 1958 has no day 30;' in html
    assert re.search(r'id="date_of_birth-day"[^>]*value="30"', html)
    assert COMPLAINT_CANARY not in html

    wrong = phone.post(f"{link}/confirm", data=_parts("15", "3", "1958"))
    assert wrong.status_code == 422 and WRONG_DATE in wrong.get_data(as_text=True)

    confirmed = phone.post(
        f"{link}/confirm", data=_parts(str(BIRTH_DATE.day), str(BIRTH_DATE.month), str(BIRTH_DATE.year))
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == link
