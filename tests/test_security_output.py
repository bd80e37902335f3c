"""Nothing a user typed is ever marked safe: a grep with a reviewed allow-list, and stored XSS payloads."""

import csv
import io
import re
from pathlib import Path

import pytest

from intake.audit.operations import record_event
from intake.extensions import db
from intake.visits.note_fields import TEXT, names_of

ROOT = Path(__file__).resolve().parent.parent

#: Files allowed to mark markup as safe, each reviewed: what it marks and why no typed text gets in.
REVIEWED_ALLOW_LIST = {
    "intake/pain/figure.py": "Markup() of the body-map SVG built from our own static shapes; scores are numbers, text escaped",
    "intake/pain/graphs.py": "Markup() of a trend chart's SVG written in Python: its summary, tick labels and id are "
    "escaped; the mark kinds are the keys of MARK_STYLE (an unknown one raises); every other value is a number",
    "intake/pain/history.py": "Markup() of the verdict badge (its kind and words escaped) and of a region's summary "
    "cells and chart caption: score_words / signed_words of numbers around that badge",
    "intake/pain/score_table.py": "Markup() of the pain table's rows written in Python: each time, context, label, "
    "name and score goes through escape(); drop and averages are score_words of numbers",
    "intake/forms.py": "the date-of-birth widget: fixed markup whose every value goes through Markup.format, which "
    "escapes it (tests/patients/test_birth_date_fields.py shows a typed part back escaped)",
}
UNSAFE_OUTPUT = re.compile(
    r"\|\s*safe\b|\bMarkup\s*\(|render_template_string|autoescape\s+false|\bMarkup\.unescape|\.__html__\s*=",
    re.IGNORECASE,
)


def _source_files():
    for folder, patterns in (("intake", ("*.py",)), ("templates", ("*.html", "*.txt", "*.svg", "*.xml"))):
        for pattern in patterns:
            yield from (ROOT / folder).rglob(pattern)


@pytest.mark.db_independent
def test_only_reviewed_files_mark_output_as_safe():
    offenders = {}
    for path in _source_files():
        relative = path.relative_to(ROOT).as_posix()
        hits = [
            f"{number}: {line.strip()}"
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if UNSAFE_OUTPUT.search(line)
        ]
        if hits and relative not in REVIEWED_ALLOW_LIST:
            offenders[relative] = hits
    assert offenders == {}, "Review these, or use escaped output / a data: URI <img> instead"


@pytest.mark.db_independent
def test_the_grep_would_catch_each_form():
    for line in (
        "{{ note|safe }}",
        "{{ note | safe }}",
        "return Markup(text)",
        "render_template_string(s)",
        "{% autoescape false %}",
    ):
        assert UNSAFE_OUTPUT.search(line), line
    assert not UNSAFE_OUTPUT.search("{{ note|safe_length }}")


PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "gender",
    "address_line",
    "city",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "staff_notes",
)


def test_payloads_stored_in_every_patient_text_field_come_back_escaped(app, client, login, make_patient):
    values = {field: PAYLOAD for field in TEXT_FIELDS}
    patient = make_patient(**values)
    with app.app_context():
        record_event("view", patient=patient, detail=PAYLOAD)
        db.session.commit()
    login("admin", full_name="<b>Admin</b><script>alert(3)</script>")
    pages = [
        f"/patients/{patient.id}",
        f"/patients/{patient.id}/edit",
        "/patients/?q=script",
        "/patients/?q=" + PAYLOAD,
        "/audit/",
        "/staff/",
    ]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert ESCAPED in chart


# --- Intake answers and visit notes ------------------------------------------------------------

#: Every free-text answer a patient types on the questionnaire, by step.
INTAKE_TEXT = {
    "contact": ("address_line", "city", "emergency_contact_name", "emergency_contact_relationship"),
    "complaint": ("reason", "goals", "onset_description", "worse", "better", "previous_treatment"),
    "health": ("conditions", "medications", "anticoagulant_name", "allergy_other", "skin_condition_detail"),
    "consent": ("full_name", "signature_typed"),
}
#: Every free-text field of a visit note (from the note's one list of fields), the point codes typed
#: as text, and a caution override's reason (the amendment's reason and a protocol's name come on top).
NOTE_TEXT = (*names_of(TEXT), "moxibustion_points", "override_electro_with_pacemaker")


def assert_escaped(html: str, where: str) -> None:
    assert "<script>alert" not in html, where
    assert "<img src=x" not in html, where


def fill_intake_with_payloads(app, client, patient) -> None:
    """As the patient, answer every free-text question with the payload and submit."""
    from tests.questionnaire.answers import fill_every_step, start_link

    link = start_link(client, patient)
    phone = app.test_client()
    overrides = {step: {name: PAYLOAD for name in names} for step, names in INTAKE_TEXT.items()}
    overrides["health"].update(pacemaker="yes", anticoagulant="yes", skin_condition="yes")
    overrides["consent"]["signature_path"] = ""  # the typed signature stands in
    fill_every_step(phone, link, overrides)
    review = phone.get(f"{link}/review").get_data(as_text=True)
    assert ESCAPED in review
    assert_escaped(review, "the patient's review page")
    assert phone.post(f"{link}/submit").status_code == 302


def write_note_with_payloads(client, visit, note_form) -> None:
    """As the practitioner, type the payload into every text field of the note, save a protocol, sign, amend."""
    base = f"/patients/{visit.patient_id}/visits/{visit.id}"
    text = {name: PAYLOAD for name in NOTE_TEXT} | {"moxibustion_points": "BL23"}
    data = note_form(
        visit,
        points=["BL23", "BL25"],
        electro=[{"first_point": "BL23", "second_point": "BL25", "frequency_hz": 2, "intensity": "mild"}],
        needles_inserted=4,
        needles_removed=4,
        reactions=["other"],
        **text,
    )
    assert client.post(f"{base}/autosave", data=data).get_json()["status"] == "saved"
    protocol = {**data, "version": "2", "action": "save_protocol", "protocol_name": PAYLOAD}
    assert client.post(f"{base}/edit", data=protocol).status_code == 302
    signed = client.post(f"{base}/edit", data={**data, "version": "2", "action": "sign"})
    assert signed.status_code == 302, signed.get_data(as_text=True)[:3000]
    amended = {**data, "version": "", "tongue": PAYLOAD + " (amended)", "reason": PAYLOAD}
    assert client.post(f"{base}/amend", data=amended).status_code == 302


def test_payloads_in_every_intake_answer_and_note_field_come_back_escaped(
    app, client, login, make_patient, make_visit, note_form
):
    patient = make_patient(first_name=PAYLOAD)
    login("front_desk")
    fill_intake_with_payloads(app, client, patient)
    client.post("/logout")
    practitioner = login("practitioner", full_name=PAYLOAD, designation="R.Ac")
    visit = make_visit(patient, practitioner)
    write_note_with_payloads(client, visit, note_form)
    with app.app_context():
        from intake.questionnaire.models import Intake

        intake_id = db.session.scalar(db.select(Intake.id).where(Intake.patient_id == patient.id))
    base = f"/patients/{patient.id}"
    pages = {
        "chart": base,
        "intake": f"{base}/intakes/{intake_id}",
        "visit": f"{base}/visits/{visit.id}",
        "amend form": f"{base}/visits/{visit.id}/amend",
        "all visits": f"{base}/visits",
        "pain history": f"{base}/pain/",
        "pain table": f"{base}/pain/table",
        "dashboard": "/",
        "protocols": "/visits/protocols",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.get_data(as_text=True), where)
    for where in (
        "chart",
        "intake",
        "visit",
        "amend form",
        "all visits",
        "dashboard",
        "pain history",
        "protocols",
    ):
        assert ESCAPED in client.get(pages[where]).get_data(as_text=True), where
    shown = client.get(pages["visit"]).get_data(as_text=True)
    assert shown.count(ESCAPED) >= len(NOTE_TEXT) - 1  # every text field, the reason, the name...

    client.post("/logout")
    login("front_desk")
    assert_escaped(client.get(base).get_data(as_text=True), "front desk's chart")
    client.post("/logout")
    login("admin")
    for where, url in {
        "audit log": f"/audit/?chart_number={patient.chart_number}",
        "staff": "/staff/",
    }.items():
        html = client.get(url).get_data(as_text=True)
        assert_escaped(html, where)
        assert ESCAPED in html, where  # the practitioner's name, as the trail recorded it


def test_payloads_reach_csv_exports_as_text_never_as_formulas(app, client, login, make_patient, record_pain):
    formula = '=HYPERLINK("http://evil.example","click")'
    practitioner = login("admin", full_name=formula)
    patient = make_patient(first_name=PAYLOAD)
    record_pain(patient, {"lower_back_l": 5}, recorded_by=practitioner)
    pain_csv = client.get(f"/patients/{patient.id}/pain/export.csv").get_data(as_text=True)
    audit_csv = client.get(f"/audit/export.csv?chart_number={patient.chart_number}").get_data(as_text=True)
    for where, text in (("pain CSV", pain_csv), ("audit CSV", audit_csv)):
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row if "HYPERLINK" in cell]
        assert cells, where
        assert all(cell == "'" + formula for cell in cells), (where, cells)
