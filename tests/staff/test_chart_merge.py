"""An administrator merges two charts of the same person: a preview, then everything moves; the trail stays."""

import re
from datetime import date

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, event, func

from intake.audit import models as audit
from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.pain.models import PainScore
from intake.patients.models import Patient
from intake.questionnaire import grants
from intake.questionnaire.models import Intake, IntakeAccess
from intake.staff.chart_merge import MOVED, STAYS, patient_references, unhandled_references
from intake.visits.models import Visit

BORN = date(1961, 4, 12)


@pytest.fixture
def charts(make_patient):
    """The same person's two charts: (duplicate, kept)."""
    kept = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=BORN, phone="780-555-0142")
    duplicate = make_patient(
        first_name="Maggie", last_name="Okafor", date_of_birth=BORN, phone="780-555-0142"
    )
    return duplicate, kept


@pytest.fixture
def duplicate_history(app, client, login, make_user, charts, make_submitted_intake, make_visit, note_form):
    """Give the duplicate a submitted intake, an intake in progress with an open link, a check-in and a signed
    visit (signed through the note page, so its seal is on the trail); return the link's raw token."""
    from tests.fixtures.pain import HISTORY_START

    duplicate, _ = charts
    make_submitted_intake(duplicate)
    with app.app_context():
        from intake.pain.operations import record_check_in
        from intake.questionnaire.operations import start_intake

        intake = start_intake(db.session.get(Patient, duplicate.id))
        token, _ = grants.issue_link(intake)
        record_check_in(duplicate.id, {"lower_back_l": 5}, recorded_at=HISTORY_START, recorded_by_id=None)
        db.session.commit()
    practitioner = login("practitioner", full_name="Mei Chen", designation="R.Ac")
    visit = make_visit(duplicate, practitioner)
    data = note_form(
        visit,
        points=["BL23"],
        needles_inserted=2,
        needles_removed=2,
        pain_before={"lower_back_l": 6},
        action="sign",
    )
    assert client.post(f"/patients/{duplicate.id}/visits/{visit.id}/edit", data=data).status_code == 302
    assert client.get(f"/patients/{duplicate.id}").status_code == 200  # a look at the duplicate
    client.post("/logout")
    return token


def _rows_of(app, patient_id) -> dict[str, int]:
    with app.app_context():
        return {
            "intakes": db.session.scalar(db.select(func.count()).where(Intake.patient_id == patient_id)),
            "pain": db.session.scalar(db.select(func.count()).where(PainScore.patient_id == patient_id)),
            "visits": db.session.scalar(db.select(func.count()).where(Visit.patient_id == patient_id)),
        }


def _audit_rows(app, patient_id) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            db.select(AuditEvent.id, AuditEvent.action, AuditEvent.row_hash, AuditEvent.detail)
            .where(AuditEvent.patient_id == patient_id)
            .order_by(AuditEvent.id)
        ).all()


def _preview_url(duplicate, kept) -> str:
    return f"/staff/charts/merge?duplicate={duplicate}&kept={kept}"


def _merge(client, duplicate, kept):
    return client.post("/staff/charts/merge", data={"duplicate_id": duplicate.id, "kept_id": kept.id})


def test_the_preview_counts_what_moves_and_changes_nothing(app, client, login, charts, duplicate_history):
    duplicate, kept = charts
    before = _rows_of(app, duplicate.id)
    login("admin")
    response = client.get(_preview_url(duplicate.chart_number, kept.chart_number.lower().replace("c-00", "")))
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    text = re.sub(r"\s+", " ", text)
    assert f"Merge {duplicate.chart_number} into {kept.chart_number}?" in text
    assert "Intakes (with their answers, consent and review) 2" in text
    assert "— of the intakes, still being filled 1" in text
    assert "— intake links and tablet sessions (with their intakes; open ones keep working) 1" in text
    assert "Pain scores (intake, visit and check-in scores) 3" in text
    assert "— of the pain scores, check-ins 1" in text
    assert "Visit notes (with their points, amendments and signatures) 1" in text
    assert "— of the visit notes, signed (they stay signed) 1" in text
    assert "Episodes of care (each complaint's course of treatment)" in text.replace("&#39;", "'")
    assert f"Merge {duplicate.chart_number} into {kept.chart_number}" in text
    assert _rows_of(app, duplicate.id) == before
    # Showing both charts is a look at each.
    assert _audit_rows(app, duplicate.id)[-1].action == audit.VIEW
    assert _audit_rows(app, kept.id)[-1].action == audit.VIEW


def test_a_merge_moves_everything_archives_the_duplicate_and_leaves_the_trail_as_it_was(
    app, client, runner, login, charts, duplicate_history
):
    duplicate, kept = charts
    moved = _rows_of(app, duplicate.id)
    assert moved == {"intakes": 2, "pain": 3, "visits": 1}  # the intake's score, the check-in, the visit's
    trail_before = _audit_rows(app, duplicate.id)
    login("admin")
    response = _merge(client, duplicate, kept)
    assert response.status_code == 302 and response.location == f"/patients/{kept.id}"

    assert _rows_of(app, duplicate.id) == {"intakes": 0, "pain": 0, "visits": 0}
    assert _rows_of(app, kept.id) == moved
    with app.app_context():
        record = db.session.get(Patient, duplicate.id)
        assert record.merged_into_id == kept.id and record.is_archived
        assert db.session.scalar(db.select(Visit).where(Visit.patient_id == kept.id)).is_signed
    # The trail is append-only: the duplicate's rows are exactly as they were, and the merge is added to both.
    trail_after = _audit_rows(app, duplicate.id)
    assert trail_after[: len(trail_before)] == trail_before
    (archived,) = trail_after[len(trail_before) :]
    assert archived.action == audit.ARCHIVE and archived.detail.startswith(
        f"merged into {kept.chart_number}: "
    )
    merged_in = _audit_rows(app, kept.id)[-1]
    assert merged_in.action == audit.EDIT
    assert merged_in.detail.startswith(
        f"chart {duplicate.chart_number} merged into this chart: moved 2 intakes"
    )
    # The chain still verifies, and so does the seal of the note signed on the duplicate.
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output


def test_after_a_merge_each_chart_says_where_the_other_is(app, client, login, charts, duplicate_history):
    duplicate, kept = charts
    login("admin")
    _merge(client, duplicate, kept)
    html = re.sub(r"\s+", " ", client.get(f"/patients/{duplicate.id}").get_data(as_text=True))
    assert f'This chart was merged into <a href="/patients/{kept.id}">chart {kept.chart_number}' in html
    assert "Restore patient" not in html and "Merge this chart" not in html
    html = re.sub(r"\s+", " ", client.get(f"/patients/{kept.id}").get_data(as_text=True))
    assert f"Chart {duplicate.chart_number} of the same person was merged into this chart" in html
    # A merged chart cannot be put back on the list beside the one it was merged into.
    client.post(f"/patients/{duplicate.id}/restore")
    with app.app_context():
        assert db.session.get(Patient, duplicate.id).is_archived


def test_an_open_intake_link_keeps_working_on_the_kept_chart(app, client, login, charts, duplicate_history):
    duplicate, kept = charts
    login("admin")
    _merge(client, duplicate, kept)
    client.post("/logout")
    response = client.get(f"/i/{duplicate_history}")
    assert response.status_code in (200, 302)
    with app.app_context():
        grant = db.session.scalar(db.select(IntakeAccess).where(IntakeAccess.revoked_at.is_(None)))
        assert grant.intake.patient_id == kept.id
        assert grants.open_grant(duplicate_history, grant.kind) is not None


@pytest.mark.parametrize(
    "pick, field, message",
    [
        ("itself", "kept", "A chart cannot be merged into itself."),
        ("archived", "kept", "This chart is archived. Restore it first"),
        ("merged", "duplicate", "This chart has already been merged into another chart."),
        ("unknown", "kept", "No chart has that number."),
    ],
)
def test_a_merge_that_cannot_be_is_refused_beside_its_field(
    app, client, login, make_patient, charts, pick, field, message
):
    duplicate, kept = charts
    login("admin")
    if pick == "itself":
        choice = (duplicate.chart_number, duplicate.chart_number)
    elif pick == "archived":
        choice = (duplicate.chart_number, make_patient(is_archived=True).chart_number)
    elif pick == "merged":
        assert _merge(client, duplicate, kept).status_code == 302
        choice = (duplicate.chart_number, make_patient().chart_number)
    else:
        choice = (duplicate.chart_number, "C-999999")
    response = client.get(_preview_url(*choice))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert f'value="{choice[1]}"' in html  # what was typed is kept
    assert "Merge C-" not in html.split("</form>", 1)[1]  # no merge button


def test_a_refused_merge_changes_nothing_and_shows_why(app, client, login, make_patient, charts):
    duplicate, kept = charts
    archived = make_patient(is_archived=True)
    login("admin")
    response = client.post("/staff/charts/merge", data={"duplicate_id": duplicate.id, "kept_id": archived.id})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "This chart is archived. Restore it first" in html
    with app.app_context():
        assert db.session.get(Patient, duplicate.id).merged_into_id is None


@pytest.mark.parametrize("role", ["front_desk", "practitioner"])
def test_only_an_administrator_merges_charts(app, client, login, charts, role):
    duplicate, kept = charts
    login(role)
    assert client.get(_preview_url(duplicate.chart_number, kept.chart_number)).status_code == 403
    assert _merge(client, duplicate, kept).status_code == 403
    with app.app_context():
        assert db.session.get(Patient, duplicate.id).merged_into_id is None
    assert "Merge this chart" not in client.get(f"/patients/{duplicate.id}").get_data(as_text=True)


def test_an_administrator_reaches_the_merge_from_the_duplicates_chart(client, login, charts):
    duplicate, _ = charts
    login("admin")
    html = client.get(f"/patients/{duplicate.id}").get_data(as_text=True)
    link = f'href="/staff/charts/merge?duplicate={duplicate.chart_number}">Merge this chart into another…</a>'
    assert link in html
    page = client.get(f"/staff/charts/merge?duplicate={duplicate.chart_number}").get_data(as_text=True)
    assert f'value="{duplicate.chart_number}"' in page


def test_every_column_naming_a_patient_is_moved_or_left_on_purpose(app):
    references = patient_references(db.metadata)
    assert ("visit", "patient_id") in references and ("audit_event", "patient_id") in references
    assert unhandled_references(db.metadata) == []
    assert set(MOVED) | set(STAYS) == set(references)  # nothing listed that no longer exists


def test_a_new_table_naming_a_patient_is_reported_until_the_merge_handles_it():
    metadata = MetaData()
    Table("patient", metadata, Column("id", Integer, primary_key=True))
    Table(
        "visit",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("patient_id", ForeignKey("patient.id")),
    )
    Table(
        "referral_letter",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("about", ForeignKey("patient.id")),
    )
    Table("reminder", metadata, Column("id", Integer, primary_key=True), Column("patient_id", Integer))
    assert sorted(unhandled_references(metadata)) == [("referral_letter", "about"), ("reminder", "patient_id")]


def test_the_preview_costs_the_same_queries_for_a_short_or_long_history(
    app, client, login, charts, make_treatment_history, make_user
):
    duplicate, kept = charts
    practitioner = make_user(role="practitioner")
    login("admin")
    counts = []
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    for visits in (1, 30):
        make_treatment_history(duplicate, practitioner, visits=visits)
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(_preview_url(duplicate.chart_number, kept.chart_number)).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_merge_posted_without_the_two_charts_goes_back_to_choosing_them(app, client, login, charts):
    duplicate, _ = charts
    login("admin")
    response = client.post("/staff/charts/merge", data={"duplicate_id": str(duplicate.id), "kept_id": "x"})
    assert response.status_code == 302 and response.location == "/staff/charts/merge"
    assert "Choose the duplicate and the chart to keep" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Patient, duplicate.id).merged_into_id is None
