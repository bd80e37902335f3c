"""The patient list costs the same number of SQL queries for 10 patients or 60, on any page."""

import re

from tests.conftest import queries_of


def _count_queries(app, client, url: str) -> tuple[int, str]:
    count, response = queries_of(app, client, url)
    return count, response.get_data(as_text=True)


def _next_page(html: str) -> str:
    match = re.search(r'href="([^"]+)">Next page</a>', html)
    assert match, "no next page link"
    return match.group(1).replace("&amp;", "&")


def test_list_queries_do_not_grow_with_the_number_of_patients(app, client, login, make_patient):
    app.config["PATIENTS_PER_PAGE"] = 5
    login("front_desk")
    counts = {}
    made = 0
    for patients in (10, 60):
        while made < patients:
            make_patient(last_name=f"Family{made:02d}")
            made += 1
        first, html = _count_queries(app, client, "/patients/")
        second, html = _count_queries(app, client, _next_page(html))
        searched, _ = _count_queries(app, client, "/patients/?q=family")
        by_surname_start, _ = _count_queries(app, client, "/patients/?q=fa")
        counts[patients] = (first, second, searched, by_surname_start)
    assert counts[10] == counts[60]
    first, second, searched, by_surname_start = counts[60]
    # signed-in user and session checks; the page and the capped count; the next page also loads its anchor
    assert first <= 6 and second == first + 1 and searched == first and by_surname_start == first


def test_phone_and_birth_date_searches_cost_the_same_queries_for_few_matches_or_many(
    app, client, login, make_patient
):
    app.config["PATIENTS_PER_PAGE"] = 5
    app.config["PATIENT_LIST_WALK_FROM"] = 20  # past 20 matches the page is read in list order instead
    login("front_desk")
    counts = {}
    made = 0
    for patients in (10, 60):
        while made < patients:
            make_patient(last_name=f"Family{made:02d}", phone=f"780-555-{made:04d}")
            made += 1
        first, html = _count_queries(app, client, "/patients/?q=780555")
        second, _ = _count_queries(app, client, _next_page(html))
        born, _ = _count_queries(app, client, "/patients/?q=1970-01-01")
        counts[patients] = (first, second, born)
    assert counts[10] == counts[60]
    first, second, born = counts[60]
    assert second == first + 1 and born == first  # the next page also reads its anchor's place
