"""Bad input never breaks a page: junk in every field of every POST, junk in every query string,
hostile sort and filter parameters, huge bodies. The answer is a clear message (400, 404, 413,
422, a redirect back), never a 500 and never a stack trace."""

import re

import pytest

from intake.auth.access import endpoint_access
from intake.extensions import db
from intake.patients.models import Patient
from tests.conftest import sign_in
from tests.fixtures.security import SESSION_ENDING, OtherPatientWorld, url_values

#: What an attacker, a broken tablet or a copy-paste accident sends.
JUNK_VALUES = (
    "",
    "   ",
    "-1",
    "2147483648",
    "99999999999999999999999999999",
    "²",
    "1e309",
    "NaN",
    "' OR '1'='1' --",
    "name; DROP TABLE patient; --",
    "<script>alert(1)</script>",
    "nul\x00byte",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30T25:61",
    "x" * 5000,
    # Numbers Python reads but no clinic means: not-a-number, infinities, exponents, 5,000 digits.
    "sNaN",
    "nan",
    "inf",
    "-Infinity",
    "1e999",
    "1" * 5000,
    "BL" + "2" * 5000,
    # Dates and times at the ends of the calendar.
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1899-12-31",
    "abc",
)
JSON_JUNK = ("{not json", "[]", "null", '{"version": {"$gt": 1}, "visit_at": [1, 2], "points": "all"}')
#: Query arguments the list, search, history and audit pages read.
QUERY_NAMES = ("q", "page", "archived", "start", "end", "order", "sort", "chart_number", "user_id", "action")
QUERY_NAMES += ("date_from", "date_to", "format", "fragment", "next")
INJECTIONS = (
    "name; DROP TABLE patient",
    "last_name desc, (select 1)",
    "1 OR 1=1",
    "' UNION SELECT password_hash FROM user_account --",
    "../../etc/passwd",
    "id)); DELETE FROM audit_event; --",
    "-1",
    "99999999999999999999999",
    "2026-13-45",
    "9999-12-31",
    "0000-00-00",
    "<script>alert(1)</script>",
)
NAME_ATTRIBUTE = re.compile(r'\bname="([^"]+)"')


def signed_in_clients(app, world: OtherPatientWorld) -> dict:
    clients = {}
    for role in ("practitioner", "admin", "front_desk"):
        client = app.test_client()
        assert sign_in(client, world.email(role)).status_code == 302
        clients[role] = client
    return clients


def client_for(access, clients, anonymous):
    """An allowed visitor: the practitioner who wrote B's notes when allowed, else admin, else front desk."""
    if access == "public":
        return anonymous
    for role in ("practitioner", "admin", "front_desk"):
        if role in access:
            return clients[role]
    raise AssertionError(f"no role may use {access}")


def routes(app, world: OtherPatientWorld, method: str) -> list[tuple[str, str, object]]:
    """(endpoint, url, declared access) of every route answering ``method``, session-ending ones last."""
    values = url_values(world)
    # Write to B's draft (a signed note only takes amendments).
    drafts = {"visits.edit", "visits.autosave"}
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method not in rule.methods or rule.endpoint == "static":
                continue
            args = {**values, "visit_id": world.b_draft_visit_id} if rule.endpoint in drafts else values
            url = rule.build(args, append_unknown=False)[1]
            found.append((rule.endpoint, url, endpoint_access(rule.endpoint)))
    return sorted(found, key=lambda route: (route[0] in SESSION_ENDING, route[0]))


def form_field_names(app, world, clients, anonymous) -> set[str]:
    """Every input name on every page (so junk reaches every field, body-map rows and point rows too)."""
    names = set()
    link = f"/i/{world.a_link_token}"
    pages = [url for _endpoint, url, _access in routes(app, world, "GET")]
    pages += [
        f"{link}/{step}" for step in ("contact", "complaint", "pain", "odi", "red_flags", "health", "consent")
    ]
    for url in pages:
        for client in (*clients.values(), anonymous):
            page = client.get(url)
            body = page.get_data()  # read to the end: a streamed download closes its request only then
            if page.mimetype == "text/html":  # not a printed chart, a CSV or a record download
                names.update(NAME_ATTRIBUTE.findall(body.decode()))
    names.discard("csrf_token")
    return names


def assert_handled(response, what: str) -> None:
    # A printed chart (PDF) or the patient's own record (a ZIP of it and the FHIR bundle) is binary: a traceback
    # could not hide in it, and its bytes are not text.
    binary = response.mimetype in ("application/pdf", "application/zip")
    body = "" if binary else response.get_data(as_text=True)
    assert response.status_code < 500, f"{what}: answered {response.status_code}"
    assert "Traceback" not in body and "sqlalchemy" not in body.lower(), what


def test_junk_in_every_field_of_every_post_route_is_answered_without_an_error(app, other_patient_world):
    world = other_patient_world
    clients, anonymous = signed_in_clients(app, world), app.test_client()
    names = form_field_names(app, world, clients, anonymous)
    assert {"patient_report", "points-0-code", "pain_before-lower_back_l", "reason", "recorded_at"} <= names
    for endpoint, url, access in routes(app, world, "POST"):
        client = client_for(access, clients, anonymous)
        for value in JUNK_VALUES:
            response = client.post(url, data={name: value for name in names} | {"action": value})
            assert_handled(response, f"POST {url} ({endpoint}) with every field {value[:30]!r}")
        for body in JSON_JUNK:
            response = client.post(url, data=body, content_type="application/json")
            assert_handled(response, f"POST {url} ({endpoint}) with JSON {body!r}")


def test_junk_in_every_query_argument_of_every_page_is_answered_without_an_error(app, other_patient_world):
    world = other_patient_world
    clients, anonymous = signed_in_clients(app, world), app.test_client()
    for endpoint, url, access in routes(app, world, "GET"):
        client = client_for(access, clients, anonymous)
        for value in INJECTIONS:
            response = client.get(url, query_string={name: value for name in QUERY_NAMES})
            assert_handled(response, f"GET {url} ({endpoint}) with every argument {value!r}")


@pytest.mark.parametrize(
    ("url", "args", "message"),
    [
        ("/patients/", {"q": "'; DROP TABLE patient; --"}, None),
        ("/patients/", {"page": "99999999999999999999999"}, None),
        ("/patients/", {"page": "-5", "archived": "1 OR 1=1"}, None),
        ("/audit/", {"order": "id desc; DELETE FROM audit_event"}, "Not a valid choice"),
        ("/audit/", {"action": "login' OR '1'='1"}, "Not a valid choice"),
        ("/audit/", {"user_id": "1 OR 1=1"}, "Not a valid choice"),
        ("/audit/", {"chart_number": "C-1' OR '1'='1"}, "Enter a chart number like C-001001."),
        ("/audit/", {"date_from": "2026-01-01; DROP TABLE x"}, "Not a valid date value."),
        ("/audit/", {"page": "99999999999999999999999"}, None),
        ("/audit/export.csv", {"order": "(select 1)"}, "Not a valid choice"),
        ("/patients/{b}/pain/", {"start": "2025-01-01' OR 1=1"}, "Enter the first date as YYYY-MM-DD."),
        ("/patients/{b}/pain/", {"end": "9999-12-31"}, "The last date cannot be in the future."),
        ("/patients/{b}/pain/table", {"start": "0001-01-01", "end": "(select 1)"}, "Enter the last date"),
        ("/patients/{b}/pain/export.csv", {"end": "9999-12-31"}, None),
    ],
)
def test_sort_and_filter_parameters_are_whitelisted(app, client, other_patient_world, url, args, message):
    world = other_patient_world
    assert sign_in(client, world.email("admin")).status_code == 302
    response = client.get(url.format(b=world.patient_b_id), query_string=args, follow_redirects=True)
    assert response.status_code in (200, 422)
    if message:
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/patients/{b}/visits/{draft}/autosave",
        "/patients/{b}/visits/{draft}/edit",
        "/patients/{b}/pain/check-in",
        "/patients/{b}/edit",
        "/i/{token}/complaint",
    ],
)
def test_a_huge_body_gets_the_clear_413_page(app, other_patient_world, url):
    world = other_patient_world
    client = app.test_client()
    assert sign_in(client, world.email("practitioner")).status_code == 302
    url = url.format(b=world.patient_b_id, draft=world.b_draft_visit_id, token=world.a_link_token)
    response = client.post(url, data={"patient_report": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "That was too large to send" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/patients/{b}/visits/abc",
        "/patients/{b}/visits/-1",
        "/patients/{b}/visits/99999999999",
        "/patients/{b}/visits/1.5/edit",
        "/patients/{b}/intakes/0x10",
        "/patients/{b}/intakes/2147483648",
        "/patients/{b}/pain/%00",
        "/visits/protocols/99999999999999/archive",
        "/i/not-a-token/contact",
        "/i/{token}/no_such_step",
    ],
)
def test_malformed_record_ids_and_unknown_steps_are_not_found(app, other_patient_world, path):
    world = other_patient_world
    client = app.test_client()
    assert sign_in(client, world.email("practitioner")).status_code == 302
    url = path.format(b=world.patient_b_id, token=world.a_link_token)
    method = "POST" if url.endswith("/archive") else "GET"
    assert client.open(url, method=method).status_code == 404


# --- Each hole the junk found, pinned ----------------------------------------------------------------


def test_a_superscript_digit_as_a_pain_score_is_refused_with_a_message(client, login, make_patient):
    login("practitioner")
    patient = make_patient()
    response = client.post(
        f"/patients/{patient.id}/pain/check-in",
        data={"recorded_at": "2025-03-01T10:00", "pain-lower_back_l": "²"},
    )
    assert response.status_code == 422
    assert "Lower back, left: choose a whole number from 0 (no pain) to 10 (worst)." in response.get_data(
        as_text=True
    )


def test_a_superscript_digit_as_a_note_version_is_refused_with_a_message(
    client, login, make_patient, make_visit, note_form
):
    visit = make_visit(make_patient(), login("practitioner"))
    response = client.post(
        f"/patients/{visit.patient_id}/visits/{visit.id}/autosave", data=note_form(visit, version="²")
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["version"] == "This page is out of date: reload it."


def test_a_nul_character_is_refused_with_a_clear_page_and_nothing_is_saved(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(first_name="Margaret")
    form = {"first_name": "Mar\x00garet", "last_name": "Okafor", "date_of_birth": "1961-04-12"}
    response = client.post(
        f"/patients/{patient.id}/edit", data={**form, "phone": "780-555-0142", "province": "AB"}
    )
    assert response.status_code == 400
    assert "Something in that request was not right" in response.get_data(as_text=True)
    assert client.get("/patients/", query_string={"q": "Mar\x00"}).status_code == 400
    with app.app_context():
        assert db.session.get(Patient, patient.id).first_name == "Margaret"


def test_a_json_body_is_refused_as_not_a_form(client, login, make_patient, make_visit):
    visit = make_visit(make_patient(), login("practitioner"))
    response = client.post(
        f"/patients/{visit.patient_id}/visits/{visit.id}/autosave",
        json={"version": {"$gt": 1}, "points": "all"},
    )
    assert response.status_code == 415
    assert "That was not sent as a form" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/patients/", "/audit/", "/patients/{b}/visits"])
def test_a_page_number_past_any_list_is_an_empty_page(client, login, make_patient, url):
    login("admin")
    patient = make_patient()
    for page in ("99999999999999999999999", "-3", "²", "1e9"):
        response = client.get(url.format(b=patient.id), query_string={"page": page})
        assert response.status_code == 200, page


# --- Issue 10, hole 9: dates out of any clinic's range, numbers that are not numbers ------------------------


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1899-12-31T23:00", "9999-12-31T23:59"])
def test_a_check_in_dated_out_of_range_is_refused_and_the_chart_still_opens(app, other_patient_world, when):
    world = other_patient_world
    clients = signed_in_clients(app, world)
    response = clients["practitioner"].post(
        f"/patients/{world.patient_b_id}/pain/check-in",
        data={"recorded_at": when, "pain-lower_back_l": "3"},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The check-in date cannot be before 1900" in body or "The check-in date cannot be after" in body
    for role, client in clients.items():
        assert client.get(f"/patients/{world.patient_b_id}").status_code == 200, role


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T23:59"])
@pytest.mark.parametrize("how", ["autosave", "edit"])
def test_a_visit_dated_out_of_range_is_refused_beside_the_date(
    client, login, make_patient, make_visit, note_form, when, how
):
    visit = make_visit(make_patient(), login("practitioner"))
    base = f"/patients/{visit.patient_id}/visits/{visit.id}"
    if how == "autosave":
        response = client.post(f"{base}/autosave", data=note_form(visit, visit_at=when))
        assert response.status_code == 422
        assert "The visit date cannot be" in response.get_json()["errors"]["visit_at"]
    else:
        response = client.post(f"{base}/edit", data=note_form(visit, visit_at=when, action="save"))
        assert response.status_code == 422
        assert "The visit date cannot be" in response.get_data(as_text=True)
    assert client.get(f"/patients/{visit.patient_id}").status_code == 200


@pytest.mark.parametrize("code", ["1" * 5000, "BL" + "2" * 5000, "EX-HN" + "3" * 5000])
def test_a_five_thousand_digit_point_code_is_refused_with_a_message(
    client, login, make_patient, make_visit, note_form, code
):
    visit = make_visit(make_patient(), login("practitioner"))
    url = f"/patients/{visit.patient_id}/visits/{visit.id}/autosave"
    response = client.post(url, data=note_form(visit, points=[code]))
    assert response.status_code == 422
    assert "longer than 30 characters" in response.get_json()["errors"]["points-0-code"]
    pair = {"first_point": code, "second_point": "BL23", "frequency_hz": "2"}
    assert client.post(url, data=note_form(visit, electro=[pair])).status_code == 422


def test_an_electro_pair_with_only_its_first_point_is_refused_beside_the_second(
    client, login, make_patient, make_visit, note_form
):
    visit = make_visit(make_patient(), login("practitioner"))
    pair = {"first_point": "BL23", "second_point": "", "frequency_hz": "2"}
    response = client.post(
        f"/patients/{visit.patient_id}/visits/{visit.id}/autosave",
        data=note_form(visit, points=["BL23"], electro=[pair]),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["electro_pairs-0-second_point"] == "Choose both points of the pair."


@pytest.mark.parametrize(
    "depth", ["sNaN", "NaN", "nan", "inf", "-Infinity", "1e999", "1e-999", "1" * 5000, "0x1"]
)
def test_a_needle_depth_that_is_not_a_number_is_refused_with_a_message(
    client, login, make_patient, make_visit, note_form, depth
):
    visit = make_visit(make_patient(), login("practitioner"))
    response = client.post(
        f"/patients/{visit.patient_id}/visits/{visit.id}/autosave",
        data=note_form(visit, points=[{"code": "BL23", "depth_cun": depth}]),
    )
    assert response.status_code == 422
    assert "Depth: a number of cun like 1.5" in response.get_json()["errors"]["points-0-depth_cun"]


@pytest.mark.parametrize("number", ["NaN", "inf", "1e999", "1" * 5000, "٣", "+-3"])
@pytest.mark.parametrize("field", ["needles_inserted", "retention_minutes", "duration_minutes", "flare_ups"])
def test_a_count_that_is_not_a_whole_number_is_refused_with_a_message(
    client, login, make_patient, make_visit, note_form, field, number
):
    visit = make_visit(make_patient(), login("practitioner"))
    response = client.post(
        f"/patients/{visit.patient_id}/visits/{visit.id}/autosave", data=note_form(visit, **{field: number})
    )
    assert response.status_code == 422
    assert "whole number" in response.get_json()["errors"][field]


@pytest.mark.parametrize("answer", ["abc", "²", "1e1", "11", " 5"])
@pytest.mark.parametrize("field", ["least", "average"])
def test_letters_as_the_intake_pain_steps_least_or_average_are_refused_beside_the_field(
    app, client, login, make_patient, field, answer
):
    from tests.questionnaire.answers import start_link, step_data

    login("front_desk")
    link = start_link(client, make_patient())
    phone = app.test_client()
    data = step_data()
    for step in ("contact", "complaint"):
        assert phone.post(f"{link}/{step}", data=data[step]).status_code == 302
    response = phone.post(f"{link}/pain", data={**data["pain"], field: answer})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "args",
    [
        {"endpoint": "patients.index"},
        {"endpoint": "x", "start": "not a date"},
        {"start": "not a date", "patient_id": "1", "_external": "1", "_anchor": "x", "_method": "POST"},
        {"start": "0001-01-01", "values": "x", "_scheme": "javascript"},
    ],
)
def test_unknown_query_arguments_on_the_pain_csv_export_are_ignored(client, login, make_patient, args):
    login("practitioner")
    patient = make_patient()
    response = client.get(f"/patients/{patient.id}/pain/export.csv", query_string=args)
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # back to the history, with the period only
        location = response.headers["Location"]
        assert location.startswith(f"/patients/{patient.id}/pain/")
        assert "endpoint" not in location and "_external" not in location and "values" not in location


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"start": "0001-01-01"}, "The first date cannot be before 1900"),
        ({"start": "1899-12-31"}, "The first date cannot be before 1900"),
        ({"end": "0001-01-01"}, "The last date cannot be before 1900"),
    ],
)
def test_a_pain_history_period_before_1900_is_refused_with_a_message(
    client, login, make_patient, args, message
):
    login("practitioner")
    patient = make_patient()
    response = client.get(f"/patients/{patient.id}/pain/", query_string=args)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


# --- One field at a time: junk in each field of an otherwise valid form ------------------------------------

#: The classes of value sent to each field alone (the rest of the form valid, so the junk reaches
#: the code that uses the field after validation, not only the validators). Parametrised: one per worker.
ONE_FIELD_JUNK = (
    "",
    "abc",
    "-1",
    "2147483648",
    "sNaN",
    "inf",
    "1e999",
    "1" * 5000,
    "²",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
)


def _names_on(client, url: str) -> list[str]:
    names = set(NAME_ATTRIBUTE.findall(client.get(url).get_data(as_text=True)))
    return sorted(names - {"csrf_token"})


def _each_field_alone(client, url: str, valid: dict, names, value: str, keep_version: bool = False) -> None:
    form = dict(valid)
    for name in names:
        response = client.post(url, data={**form, name: value})
        assert_handled(response, f"POST {url} with {name}={value[:30]!r}")
        answer = response.get_json(silent=True) if response.is_json else None
        if keep_version and answer and answer.get("version") is not None:
            form["version"] = str(answer["version"])  # stay on the newest version: no conflict hides a crash


@pytest.mark.parametrize("value", ONE_FIELD_JUNK, ids=lambda v: repr(v[:12]))
def test_junk_in_each_field_alone_of_the_clinical_forms_is_answered_without_an_error(
    app, client, login, make_patient, make_visit, note_form, value
):
    from tests.questionnaire.answers import start_link, step_data

    practitioner = login("practitioner")
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    base = f"/patients/{patient.id}/visits/{visit.id}"
    note_names = _names_on(client, f"{base}/edit") + ["points-0-code", "points-0-depth_cun", "points-0-side"]
    note_names += ["electro_pairs-0-first_point", "electro_pairs-0-frequency_hz", "electro_pairs-0-minutes"]
    valid_note = note_form(
        visit,
        points=[{"code": "BL23", "depth_cun": "1.0"}],
        electro=[{"first_point": "BL23", "second_point": "BL25", "frequency_hz": "2", "minutes": "20"}],
    )
    _each_field_alone(client, f"{base}/autosave", valid_note, note_names, value, keep_version=True)

    check_in = f"/patients/{patient.id}/pain/check-in"
    valid_check_in = {"recorded_at": "2025-03-01T10:00", "pain-lower_back_l": "3"}
    _each_field_alone(client, check_in, valid_check_in, _names_on(client, check_in), value)
    for page in ("", "/pain/", "/pain/table", "/pain/export.csv", "/visits"):
        assert_handled(client.get(f"/patients/{patient.id}{page}"), f"GET {page} after the junk")

    edit = f"/patients/{patient.id}/edit"
    valid_patient = {
        "first_name": "Margaret",
        "last_name": "Okafor",
        "date_of_birth": "1961-04-12",
        "phone": "780-555-0142",
        "province": "AB",
    }
    _each_field_alone(client, edit, valid_patient, _names_on(client, edit), value)
    _each_field_alone(client, "/patients/new", valid_patient, _names_on(client, "/patients/new"), value)

    link = start_link(client, patient)
    phone = app.test_client()
    steps = step_data()
    for step in ("contact", "complaint", "pain", "odi", "red_flags", "health"):
        url = f"{link}/{step}"
        _each_field_alone(phone, url, steps[step], _names_on(phone, url), value)
        phone.post(url, data=steps[step])  # then answer it properly, to reach the next step
