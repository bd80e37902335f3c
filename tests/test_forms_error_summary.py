"""The summary at the top of a refused form lists every error as a link to the input that needs fixing."""

import re

from tests.patients.test_birth_date_fields import DETAILS


def _summary_links(html: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="form-summary" role="alert">.*?</div>', html, re.S)
    assert summary, "a refused form opens with the error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))


def _control_ids(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html))


def _assert_each_link_lands_on_an_input_beside_its_message(html: str, expected: int):
    links = _summary_links(html)
    assert len(links) == expected, links
    controls = _control_ids(html)
    for target, message in links:
        assert target in controls, f"#{target} is not an input on the page"
        assert f">{message}</p>" in html  # the same words beside the field


def test_a_refused_patient_form_links_each_error_to_its_field(client, login):
    login("front_desk")
    response = client.post(
        "/patients/new",
        data={
            **DETAILS,
            "first_name": "",
            "phone": "555",
            "email": "maggie@",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "1990",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    _assert_each_link_lands_on_an_input_beside_its_message(html, expected=4)
    targets = [target for target, _ in _summary_links(html)]
    assert {"first_name", "phone", "email", "date_of_birth-day"} == set(targets)
    assert len(set(re.findall(r'\bid="([^"]+)"', html))) == len(re.findall(r'\bid="([^"]+)"', html))


def test_a_refused_staff_account_links_each_error_to_its_field(client, login):
    login("admin")
    response = client.post(
        "/staff/new",
        data={
            "email": "not-an-email",
            "full_name": "",
            "role": "practitioner",
            "password": "x",
            "confirm": "y",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    links = _summary_links(html)
    assert len(links) >= 3
    _assert_each_link_lands_on_an_input_beside_its_message(html, expected=len(links))


def test_a_form_without_errors_has_no_summary(client, login):
    login("front_desk")
    assert "form-summary" not in client.get("/patients/new").get_data(as_text=True)
