"""Nothing a user typed is ever marked safe: a grep with a reviewed allow-list, and stored XSS payloads."""

import re
from pathlib import Path

from intake.audit.operations import record_event
from intake.extensions import db

ROOT = Path(__file__).resolve().parent.parent

#: Files allowed to mark markup as safe, each reviewed: what it marks and why no typed text gets in.
REVIEWED_ALLOW_LIST = {
    "intake/pain/figure.py": "Markup() of the body-map SVG built from our own static shapes; scores are numbers, text escaped",
}
UNSAFE_OUTPUT = re.compile(
    r"\|\s*safe\b|\bMarkup\s*\(|render_template_string|autoescape\s+false|\bMarkup\.unescape|\.__html__\s*=",
    re.IGNORECASE,
)


def _source_files():
    for folder, patterns in (("intake", ("*.py",)), ("templates", ("*.html", "*.txt", "*.svg", "*.xml"))):
        for pattern in patterns:
            yield from (ROOT / folder).rglob(pattern)


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
