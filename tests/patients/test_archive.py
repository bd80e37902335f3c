"""Archiving a patient asks first, says what it does, and sits under "More", not beside "Edit details"."""

import re

from intake.audit.models import ARCHIVE, VIEW, AuditEvent
from intake.extensions import db
from intake.patients.models import Patient


def _patient(app, patient_id) -> Patient:
    with app.app_context():
        return db.session.get(Patient, patient_id)


def _actions(app, patient_id) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(AuditEvent.action)
                .where(AuditEvent.patient_id == patient_id)
                .order_by(AuditEvent.id)
            )
        )


def test_the_chart_offers_archive_under_more_as_a_link_to_a_confirmation(client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    head = html.split('aria-label="Main actions"', 1)[1]
    more = head.split('<details class="more-actions">', 1)[1]
    assert '<summary class="button button--quiet">More</summary>' in more
    assert f'href="/patients/{patient.id}/archive/confirm">Archive patient…</a>' in more
    # No form beside "Edit details" archives in one tap.
    assert f'action="/patients/{patient.id}/archive"' not in html
    assert "Merge this chart" not in html  # administrators only


def test_the_confirmation_says_what_archiving_does_and_changes_nothing(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(first_name="Lena", last_name="Moreau")
    response = client.get(f"/patients/{patient.id}/archive/confirm")
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert "Archive Moreau, Lena" in text
    assert "Nothing is deleted, and you can restore the patient at any time" in text
    assert "Intake links and tablet sessions still open for this patient stop working" in text
    assert "The whole chart stays readable" in text
    assert "Archive Lena Moreau</button>" in text and "Keep the patient on the list" in text
    assert _patient(app, patient.id).is_archived is False
    assert _actions(app, patient.id) == [VIEW]  # the page shows the patient's name: a view


def test_confirming_archives_and_the_chart_offers_restore(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(first_name="Lena", last_name="Moreau")
    client.get(f"/patients/{patient.id}/archive/confirm")
    response = client.post(f"/patients/{patient.id}/archive")
    assert response.status_code == 302 and response.location == f"/patients/{patient.id}"
    assert _patient(app, patient.id).is_archived is True
    assert _actions(app, patient.id) == [VIEW, ARCHIVE]
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Restore patient" in html and "Archive patient…" not in html
    # Asking again for an archived patient goes back to the chart.
    assert client.get(f"/patients/{patient.id}/archive/confirm").location == f"/patients/{patient.id}"
