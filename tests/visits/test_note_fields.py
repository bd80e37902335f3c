"""The visit note's fields are listed once (``NOTE_FIELDS``); the model, the form and the pages follow that list."""

from pathlib import Path

from sqlalchemy import String, Text

from intake.extensions import db
from intake.visits.forms import AmendmentForm, VisitNoteForm
from intake.visits.models import Visit
from intake.visits.note_fields import (
    COLUMN_FIELDS,
    FIELD_LABELS,
    NOTE_FIELDS,
    NOTE_SECTIONS,
    OVERRIDES,
    PAIN,
    TEXT,
    WHEN,
    names_of,
)
from intake.visits.note_record import read_note

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "visits" / "_note_sections.html"
#: Columns about the row rather than what the practitioner wrote on the note.
BOOKKEEPING = {
    "id",
    "patient_id",
    "practitioner_id",
    "created_at",
    "version",
    "updated_at",
    "updated_by_id",
    "signed_at",
    "signed_by_id",
    "signed_name",
}


def test_every_text_column_of_a_visit_is_a_note_field():
    text_columns = {
        column.name
        for column in Visit.__table__.columns
        if isinstance(column.type, String | Text) and column.name not in BOOKKEEPING
    }
    assert text_columns, "Visit has text columns"
    assert text_columns - {field.name for field in NOTE_FIELDS} == set()


def test_every_column_of_a_visit_is_a_note_field_or_bookkeeping():
    columns = {column.name for column in Visit.__table__.columns} - BOOKKEEPING
    assert columns == set(COLUMN_FIELDS) | set(names_of(WHEN))


def test_field_names_are_unique_and_each_section_is_listed_once():
    names = [field.name for field in NOTE_FIELDS]
    assert len(names) == len(set(names)) == len(FIELD_LABELS)
    assert [name for _, keys in NOTE_SECTIONS for name in keys] == names


def test_the_note_dict_holds_exactly_the_listed_fields(app, make_user, make_patient, make_visit):
    visit = make_visit(make_patient(), make_user(role="practitioner"))
    with app.app_context():
        assert set(read_note(db.session.get(Visit, visit.id))) == set(FIELD_LABELS)


def test_the_form_and_its_template_have_every_field_typed_on_the_note(app):
    template = TEMPLATE.read_text(encoding="utf-8")
    with app.test_request_context():
        for form in (VisitNoteForm(meta={"csrf": False}), AmendmentForm(meta={"csrf": False})):
            for field in NOTE_FIELDS:
                if field.kind in (PAIN, OVERRIDES):
                    continue  # the body maps and the override reasons have fields of their own
                assert field.name in form, field.name
    for field in NOTE_FIELDS:
        if field.kind in (PAIN, OVERRIDES) or field.name == "protocol_id":
            continue  # body maps by prefix; the protocol is a hidden field on the edit page
        assert f"form.{field.name}" in template, f"{field.name} is not on the note form"


def test_the_xss_test_covers_every_free_text_field():
    from tests.test_security_output import NOTE_TEXT

    assert set(names_of(TEXT)) <= set(NOTE_TEXT)
