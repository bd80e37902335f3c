"""'Reviewed' records a judgement: who reviewed the intake, when, and what they noted (optional)."""

import pytest

from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.questionnaire.models import Intake


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


def review_url(patient, intake):
    return f"/patients/{patient.id}/intakes/{intake.id}/reviewed"


def stored(app, intake) -> Intake:
    with app.app_context():
        row = db.session.get(Intake, intake.id)
        db.session.expunge(row)
    return row


def test_reviewed_with_a_comment_shows_who_when_and_the_comment_on_the_intake_and_the_chart(
    app, client, practitioner, make_patient, make_submitted_intake
):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    page = client.get(f"/patients/{patient.id}/intakes/{intake.id}").get_data(as_text=True)
    assert '<label class="field__label" for="comment">Comment (optional)</label>' in page
    assert ">Reviewed</button>" in page and "Mark reviewed" not in page

    response = client.post(review_url(patient, intake), data={"comment": "  Ask about sleep next visit  "})
    assert response.status_code == 302
    row = stored(app, intake)
    assert row.review_comment == "Ask about sleep next visit"
    assert row.reviewed_by_id == practitioner.id and row.reviewed_at is not None

    page = client.get(f"/patients/{patient.id}/intakes/{intake.id}").get_data(as_text=True)
    assert "<dt>Reviewed by</dt><dd>Mei Chen, R.Ac</dd>" in page
    assert "Ask about sleep next visit" in page and ">Reviewed</button>" not in page
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Reviewed by Mei Chen, R.Ac" in chart and "Ask about sleep next visit" in chart

    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "review")).one()
        assert (event.record_id, event.user_id, event.detail) == (
            intake.id,
            practitioner.id,
            "with a comment",
        )


def test_the_comment_is_optional(app, client, practitioner, make_patient, make_submitted_intake):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    assert client.post(review_url(patient, intake), data={"comment": ""}).status_code == 302
    row = stored(app, intake)
    assert row.reviewed_at is not None and row.review_comment is None
    page = client.get(f"/patients/{patient.id}/intakes/{intake.id}").get_data(as_text=True)
    assert '<dt>Comment</dt><dd class="prewrap">—</dd>' in page


def test_a_comment_too_long_is_refused_beside_the_field_and_kept(
    app, client, practitioner, make_patient, make_submitted_intake
):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    long = "x" * 2001
    response = client.post(review_url(patient, intake), data={"comment": long})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The comment must be at most 2000 characters." in html
    assert long in html
    assert stored(app, intake).reviewed_at is None


def test_reviewing_twice_keeps_the_first_review(
    app, client, practitioner, make_patient, make_submitted_intake
):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    client.post(review_url(patient, intake), data={"comment": "First look"})
    client.post(review_url(patient, intake), data={"comment": "Second look"})
    assert stored(app, intake).review_comment == "First look"
