"""The audit log in people's words: actions as sentences, the patient's name beside the chart number, and a chart
"who has looked" that counts staff looking at the chart, not the patient filling in their own questionnaire."""

import html as html_lib
import inspect
import pkgutil
import re

import intake
from intake.audit import wording
from intake.audit.operations import record_event
from intake.extensions import db
from intake.patients.models import Patient
from tests.conftest import PASSWORD, query_count

#: A function records a view when it passes VIEW to the trail (``record_event(audit.VIEW, …)``, ``_record(VIEW, …)``).
RECORDS_A_VIEW = re.compile(r"[(,]\s*(?:audit\.)?VIEW\b")


def _functions_that_record_views() -> set[tuple[str, str]]:
    """Every function of the package that records a view event, directly or through the functions it calls."""
    sources = {}
    for module_info in pkgutil.walk_packages(intake.__path__, "intake."):
        module = __import__(module_info.name, fromlist=["_"])
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                sources[(module.__name__, name)] = inspect.getsource(value)
    recording = {key for key, source in sources.items() if RECORDS_A_VIEW.search(source)}
    while True:
        called = {name for _module, name in recording}
        more = {
            key
            for key, source in sources.items()
            if key not in recording
            and any(re.search(rf"(?<![\w.])(?:\w+\.)?{name}\(", source) for name in called if name != key[1])
        }
        if not more:
            return recording
        recording |= more


def test_every_page_that_records_a_view_says_it_in_words(app):
    recording = _functions_that_record_views()
    endpoints = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if (inspect.unwrap(view).__module__, inspect.unwrap(view).__name__) in recording
    }
    assert {"patients.chart", "visits.show", "intake_link.link_step", "pain.history"} <= endpoints
    missing = sorted(endpoints - set(wording.VIEW_WORDS))
    assert missing == [], f"say in intake/audit/wording.py what opening these pages means: {missing}"
    assert set(wording.VIEW_WORDS) <= set(app.view_functions), "words for pages that no longer exist"


def test_actions_read_as_sentences():
    assert wording.event_in_words("view", "visits.show", "visit") == "opened the visit note"
    assert wording.event_in_words("sign", "visits.sign", "visit") == "signed the visit note"
    assert wording.event_in_words("create", "patients.create", "patient") == "created the chart"
    assert wording.event_in_words("view", "some.new_page", "pain_history") == "looked at the pain history"
    assert wording.event_in_words("login", "auth.login", "") == "signed in"


def _log(client, **filters) -> str:
    return html_lib.unescape(client.get("/audit/", query_string=filters).get_data(as_text=True))


def test_the_log_shows_what_was_done_in_words_and_the_patients_name(
    app, client, login, make_user, make_patient, make_visit
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    visit = make_visit(patient, practitioner, signed=True)
    tablet = app.test_client()
    tablet.post("/login", data={"email": practitioner.email, "password": PASSWORD})
    assert tablet.get(f"/patients/{patient.id}/visits/{visit.id}").status_code == 200

    login("admin")
    page = _log(client, chart_number=patient.chart_number)
    row = page.split('<td data-label="When">', 1)[1].split("</tr>", 1)[0]
    assert "Opened the visit note" in row and "(visit note #" in row
    assert patient.chart_number in row and "Okafor, Margaret" in row
    assert "visits.show" not in page  # the page's endpoint stays in the CSV, not in the words


def test_the_log_costs_the_same_queries_however_many_patients_it_names(app, client, login, make_patient):
    login("admin")

    def add_views(count):
        patients = [make_patient() for _ in range(count)]
        with app.test_request_context():
            for patient in patients:
                record_event("view", patient=db.session.get(Patient, patient.id), record_type="patient")
            db.session.commit()

    add_views(2)
    few = query_count(app, client, "/audit/")
    add_views(20)
    assert query_count(app, client, "/audit/") == few


def test_who_has_looked_counts_staff_not_the_patient_filling_their_questionnaire(
    app, client, login, make_patient
):
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    login("front_desk")
    sent = client.post(f"/patients/{patient.id}/intakes/link", follow_redirects=True).get_data(as_text=True)
    found = re.search(r'id="intake-link-url"[^>]*?(?:value="([^"]+)"[^>]*>|>\s*([^<\s]+))', sent)
    assert found is not None
    link = html_lib.unescape(found.group(1) or found.group(2))
    phone = app.test_client()
    for _ in range(3):
        assert phone.get(link, follow_redirects=True).status_code == 200
    with app.app_context():
        from intake.audit.models import PATIENT_ROLE, AuditEvent

        by_patient = db.session.scalar(
            db.select(db.func.count()).where(
                AuditEvent.patient_id == patient.id, AuditEvent.user_role == PATIENT_ROLE
            )
        )
    assert by_patient >= 3  # the patient's pages are recorded…

    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    viewers = html.split('id="chart-viewers-heading"', 1)[1].split("</section>", 1)[0]
    assert "Patient (" not in viewers  # …but are not looks at the chart
    assert re.search(r"<strong>[^<]+</strong> <small class=\"muted\">Front desk</small>", viewers)
