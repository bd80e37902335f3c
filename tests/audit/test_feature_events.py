"""Every look at and change to an intake, a pain history or a visit note leaves its audit row.

Each row names the actor (a staff member, or the patient through their link or the clinic
tablet), the patient's chart number, the record type and id, and the screen (endpoint, path).
"""

import pytest

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import steps as q
from intake.questionnaire.models import Intake
from intake.visits.models import Amendment, PointProtocol, Visit
from tests.questionnaire.answers import fill_every_step, start_link, step_data


def only(events, **expected):
    """Return the one event matching ``expected`` (failing with what there was otherwise)."""
    found = [e for e in events if all(getattr(e, name) == value for name, value in expected.items())]
    assert len(found) == 1, [(e.action, e.endpoint, e.record_type, e.detail) for e in events]
    return found[0]


def assert_row(event, *, user, patient, record_type, record_id, endpoint, path=None):
    assert (event.user_id, event.user_role) == (user.id, user.role)
    assert (event.patient_id, event.chart_number) == (patient.id, patient.chart_number)
    assert (event.record_type, event.record_id) == (record_type, record_id)
    assert event.endpoint == endpoint
    if path is not None:
        assert event.path == path
    assert event.client_ip == "127.0.0.1"


def assert_patient_row(event, *, patient, intake_id, endpoint, channel="link"):
    names = {"link": "Patient (intake link)", "kiosk": "Patient (clinic tablet)"}
    assert (event.user_id, event.user_role) == (None, "patient")
    assert event.user_name.startswith(f"{names[channel]} · grant ")  # and which link or tablet grant
    assert (event.patient_id, event.chart_number) == (patient.id, patient.chart_number)
    assert (event.record_type, event.record_id) == ("intake", intake_id)
    assert event.endpoint == endpoint


def intake_of(app, patient) -> Intake:
    with app.app_context():
        intake = db.session.scalar(
            db.select(Intake).where(Intake.patient_id == patient.id).order_by(Intake.id.desc()).limit(1)
        )
        db.session.expunge(intake)
    return intake


# --- record_event itself ------------------------------------------------------------------------


def test_an_event_by_the_patient_has_no_staff_user_and_the_patient_role(app, make_patient, audit_events):
    patient = make_patient()
    with app.test_request_context("/kiosk/contact"):
        record_event(
            audit.EDIT,
            patient=patient,
            record_type="intake",
            record_id=7,
            by_patient="kiosk",
            detail="step x",
        )
        db.session.commit()
    (event,) = audit_events()
    assert (event.user_id, event.user_name, event.user_role) == (None, "Patient (clinic tablet)", "patient")
    assert (event.chart_number, event.record_type, event.record_id) == (patient.chart_number, "intake", 7)
    assert event.path == "/kiosk/contact"


def test_an_event_cannot_name_both_a_staff_member_and_the_patient(app, make_user):
    user = make_user()
    with app.test_request_context("/"):
        with pytest.raises(ValueError, match="not both"):
            record_event(audit.EDIT, user=user, by_patient="link")
        with pytest.raises(ValueError, match="unknown way"):
            record_event(audit.EDIT, by_patient="email")


def test_a_staff_member_opening_a_patient_link_is_recorded_as_the_patient(
    app, client, login, make_patient, audit_events
):
    login("front_desk")
    patient = make_patient()
    link = start_link(client, patient)
    client.get(f"{link}/contact")  # the same browser, still signed in as staff
    event = only(audit_events(action="view"), endpoint="intake_link.link_step")
    assert_patient_row(
        event, patient=patient, intake_id=intake_of(app, patient).id, endpoint="intake_link.link_step"
    )


# --- Intake: staff pages -------------------------------------------------------------------------


def test_sending_a_link_records_the_new_intake_and_the_link(app, client, login, make_patient, audit_events):
    user = login("front_desk")
    patient = make_patient()
    start_link(client, patient)
    intake = intake_of(app, patient)
    for action in (audit.CREATE, audit.ISSUE_LINK):
        event = only(audit_events(action=action))
        assert_row(
            event,
            user=user,
            patient=patient,
            record_type="intake",
            record_id=intake.id,
            endpoint="intake.send_link",
            path=f"/patients/{patient.id}/intakes/link",
        )
    start_link(client, patient)  # a new link for the same intake: no second "create"
    assert len(audit_events(action=audit.CREATE)) == 1
    assert len(audit_events(action=audit.ISSUE_LINK)) == 2


def test_handing_over_the_tablet_is_recorded_against_the_staff_member(
    app, client, login, make_patient, audit_events
):
    user = login("front_desk")
    patient = make_patient()
    assert client.post(f"/patients/{patient.id}/intakes/kiosk").status_code == 302
    event = only(audit_events(action=audit.KIOSK_HANDOVER))
    assert_row(
        event,
        user=user,
        patient=patient,
        record_type="intake",
        record_id=intake_of(app, patient).id,
        endpoint="intake.open_kiosk",
    )


def test_the_intake_start_page_is_recorded_as_a_view(client, login, make_patient, audit_events):
    user = login("front_desk")
    patient = make_patient()
    client.get(f"/patients/{patient.id}/intakes/start")
    event = only(audit_events(action=audit.VIEW))
    assert_row(
        event,
        user=user,
        patient=patient,
        record_type="patient",
        record_id=patient.id,
        endpoint="intake.start",
    )


def test_revoking_a_link_and_cancelling_an_intake_are_recorded(
    app, client, login, make_patient, audit_events
):
    user = login("front_desk")
    patient = make_patient()
    start_link(client, patient)
    intake = intake_of(app, patient)
    base = f"/patients/{patient.id}/intakes/{intake.id}"
    client.post(f"{base}/revoke-link")
    client.post(f"{base}/cancel")
    revoked = only(audit_events(action=audit.REVOKE), endpoint="intake.revoke_link")
    cancelled = only(audit_events(action=audit.REVOKE), endpoint="intake.cancel")
    for event in (revoked, cancelled):
        assert_row(
            event,
            user=user,
            patient=patient,
            record_type="intake",
            record_id=intake.id,
            endpoint=event.endpoint,
        )
    assert (revoked.detail, cancelled.detail) == ("intake link revoked", "intake cancelled")


def test_reading_and_reviewing_an_intake_are_recorded(
    client, login, make_patient, make_submitted_intake, audit_events
):
    user = login("practitioner")
    patient = make_patient()
    intake = make_submitted_intake(patient)
    base = f"/patients/{patient.id}/intakes/{intake.id}"
    assert client.get(base).status_code == 200
    assert client.post(f"{base}/reviewed").status_code == 302
    client.post(f"{base}/reviewed")  # already reviewed: nothing changes, nothing recorded
    viewed = only(audit_events(action=audit.VIEW))
    reviewed = only(audit_events(action=audit.REVIEW))
    assert_row(
        viewed, user=user, patient=patient, record_type="intake", record_id=intake.id, endpoint="intake.show"
    )
    assert_row(
        reviewed,
        user=user,
        patient=patient,
        record_type="intake",
        record_id=intake.id,
        endpoint="intake.mark_reviewed",
    )


# --- Intake: the patient's own pages -------------------------------------------------------------


def test_the_patient_filling_through_a_link_leaves_views_edits_consent_and_submit(
    app, client, login, make_patient, audit_events
):
    login("front_desk")
    patient = make_patient()
    link = start_link(client, patient)
    intake = intake_of(app, patient)
    phone = app.test_client()
    phone.get(f"{link}/contact")
    fill_every_step(phone, link)
    assert phone.post(f"{link}/submit").status_code == 302

    patient_events = [e for e in audit_events() if e.user_role == "patient"]
    for event in patient_events:
        assert_patient_row(event, patient=patient, intake_id=intake.id, endpoint=event.endpoint)
    view = only(patient_events, action=audit.VIEW)
    assert (view.endpoint, view.detail, view.path) == (
        "intake_link.link_step",
        "step contact",
        "/i/…/contact",  # never the live token
    )
    edits = [e.detail for e in patient_events if e.action == audit.EDIT]
    assert edits == [f"step {step}" for step in q.ANSWER_STEPS if step != q.CONSENT]
    assert only(patient_events, action=audit.SIGN).detail == "consent"
    submitted = only(patient_events, action=audit.SUBMIT)
    assert submitted.endpoint == "intake_link.link_submit"
    assert submitted.detail.startswith("contact details changed: ")
    assert "phone" in submitted.detail  # step_data corrects the phone number on the chart


def test_the_patient_on_the_clinic_tablet_is_recorded_as_the_tablet(
    app, client, login, make_patient, audit_events
):
    login("front_desk")
    patient = make_patient()
    client.post(f"/patients/{patient.id}/intakes/kiosk")
    intake = intake_of(app, patient)
    client.get("/kiosk/contact")
    client.post("/kiosk/contact", data=step_data()[q.CONTACT])
    view = only(audit_events(action=audit.VIEW))
    edit = only(audit_events(action=audit.EDIT))
    for event, endpoint in ((view, "intake_link.kiosk_step"), (edit, "intake_link.kiosk_step")):
        assert_patient_row(event, patient=patient, intake_id=intake.id, endpoint=endpoint, channel="kiosk")


def test_a_step_that_fails_validation_records_no_edit(app, client, login, make_patient, audit_events):
    login("front_desk")
    patient = make_patient()
    link = start_link(client, patient)
    phone = app.test_client()
    assert phone.post(f"{link}/contact", data={"phone": "not a phone"}).status_code == 422
    assert audit_events(action=audit.EDIT) == []


# --- Pain -----------------------------------------------------------------------------------------


def test_pain_history_table_and_export_are_recorded(client, login, make_patient, record_pain, audit_events):
    user = login("practitioner")
    patient = make_patient()
    record_pain(patient, {"lower_back_l": 6})
    base = f"/patients/{patient.id}/pain"
    client.get(f"{base}/")
    client.get(f"{base}/table?start=2025-01-01")
    assert client.get(f"{base}/export.csv?start=2025-01-01&end=2025-02-01").status_code == 200
    charts = only(audit_events(action=audit.VIEW), endpoint="pain.history")
    table = only(audit_events(action=audit.VIEW), endpoint="pain.table")
    export = only(audit_events(action=audit.EXPORT))
    for event in (charts, table, export):
        assert_row(
            event,
            user=user,
            patient=patient,
            record_type="pain_history",
            record_id=None,
            endpoint=event.endpoint,
        )
    assert charts.detail == "charts, first score to today"
    assert table.detail == "table, 2025-01-01 to today"
    assert (export.endpoint, export.detail) == ("pain.export", "CSV, 2025-01-01 to 2025-02-01")


def test_a_pain_check_in_is_recorded_with_its_form_view(client, login, make_patient, audit_events):
    user = login("practitioner")
    patient = make_patient()
    url = f"/patients/{patient.id}/pain/check-in"
    client.get(url)
    response = client.post(url, data={"recorded_at": "2025-03-01T10:00", "pain-lower_back_l": "5"})
    assert response.status_code == 302
    viewed = only(audit_events(action=audit.VIEW))
    created = only(audit_events(action=audit.CREATE))
    for event in (viewed, created):
        assert_row(
            event,
            user=user,
            patient=patient,
            record_type="pain_check_in",
            record_id=None,
            endpoint="pain.check_in",
        )
    assert created.detail == "1 regions scored"


def test_a_refused_check_in_records_nothing(client, login, make_patient, audit_events):
    login("practitioner")
    patient = make_patient()
    client.post(f"/patients/{patient.id}/pain/check-in", data={"recorded_at": "2025-03-01T10:00"})
    assert audit_events(action=audit.CREATE) == []


# --- Visit notes ------------------------------------------------------------------------------------


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


def note_url(visit, page=""):
    return f"/patients/{visit.patient_id}/visits/{visit.id}{page}"


def test_starting_reading_and_opening_a_note_are_recorded(
    app, client, practitioner, make_patient, audit_events
):
    patient = make_patient()
    assert client.post(f"/patients/{patient.id}/visits").status_code == 302
    with app.app_context():
        visit = db.session.scalar(db.select(Visit).where(Visit.patient_id == patient.id))
        db.session.expunge(visit)
    client.get(note_url(visit, "/edit"))
    client.get(note_url(visit))
    created = only(audit_events(action=audit.CREATE))
    opened = only(audit_events(action=audit.VIEW), endpoint="visits.edit")
    read = only(audit_events(action=audit.VIEW), endpoint="visits.show")
    for event in (created, opened, read):
        assert_row(
            event,
            user=practitioner,
            patient=patient,
            record_type="visit",
            record_id=visit.id,
            endpoint=event.endpoint,
        )
    assert created.endpoint == "visits.start"
    assert read.path == note_url(visit)


def test_saving_autosaving_and_signing_a_note_are_recorded(
    client, practitioner, make_patient, make_visit, note_form, audit_events
):
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    assert client.post(note_url(visit, "/edit"), data=note_form(visit, tongue="Pale")).status_code == 302
    saved = client.post(
        note_url(visit, "/autosave"), data=note_form(visit, tongue="Pale", version=2)
    ).get_json()
    assert saved["status"] == "unchanged"
    saved = client.post(
        note_url(visit, "/autosave"), data=note_form(visit, pulse="Wiry", version=2)
    ).get_json()
    assert saved["status"] == "saved"
    signed = client.post(
        note_url(visit, "/edit"), data=note_form(visit, pulse="Wiry", version=saved["version"], action="sign")
    )
    assert signed.status_code == 302

    edits = audit_events(action=audit.EDIT)
    assert [(e.endpoint, e.detail) for e in edits] == [
        ("visits.edit", "draft saved"),
        ("visits.autosave", "autosave"),  # the unchanged autosave left no row
    ]
    sign = only(audit_events(action=audit.SIGN))
    for event in (*edits, sign):
        assert_row(
            event,
            user=practitioner,
            patient=patient,
            record_type="visit",
            record_id=visit.id,
            endpoint=event.endpoint,
        )


def test_a_refused_signature_records_the_save_but_no_signature(
    client, practitioner, make_patient, make_visit, note_form, audit_events
):
    visit = make_visit(make_patient(), practitioner)
    data = note_form(visit, points=["BL23"], needles_inserted=3, needles_removed=2, action="sign")
    assert client.post(note_url(visit, "/edit"), data=data).status_code == 422
    assert audit_events(action=audit.SIGN) == []
    assert [e.detail for e in audit_events(action=audit.EDIT)] == ["draft saved"]


def test_an_invalid_autosave_records_nothing(client, practitioner, make_patient, make_visit, audit_events):
    visit = make_visit(make_patient(), practitioner)
    response = client.post(note_url(visit, "/autosave"), data={"version": "1", "visit_at": "not a date"})
    assert response.status_code == 422
    assert audit_events(action=audit.EDIT) == []


def test_amending_a_signed_note_is_recorded_with_the_amendment(
    app, client, practitioner, make_patient, make_visit, note_form, audit_events
):
    patient = make_patient()
    visit = make_visit(patient, practitioner, signed=True)
    client.get(note_url(visit, "/amend"))
    data = note_form(visit, tongue="Red tip", reason="Tongue was not recorded")
    assert client.post(note_url(visit, "/amend"), data=data).status_code == 302
    with app.app_context():
        amendment_id = db.session.scalar(db.select(Amendment.id).where(Amendment.visit_id == visit.id))
    viewed = only(audit_events(action=audit.VIEW))
    amended = only(audit_events(action=audit.AMEND))
    for event in (viewed, amended):
        assert_row(
            event,
            user=practitioner,
            patient=patient,
            record_type="visit",
            record_id=visit.id,
            endpoint="visits.amend",
        )
    assert amended.detail.startswith(f"amendment {amendment_id} · note sealed ")


def test_copying_the_last_visit_and_applying_a_protocol_are_recorded_as_edits(
    client, practitioner, make_patient, make_visit, make_protocol, note_form, audit_events
):
    patient = make_patient()
    make_visit(patient, practitioner, points=["BL23"], signed=True)
    visit = make_visit(patient, practitioner)
    protocol = make_protocol(practitioner, "Low back", ["BL23", "GV4"])
    client.post(note_url(visit, "/edit"), data=note_form(visit, action="copy_last"))
    client.post(note_url(visit, "/edit"), data=note_form(visit, version=2, apply_protocol=protocol.id))
    details = [e.detail for e in audit_events(action=audit.EDIT)]
    assert details[-1] == f"protocol {protocol.id} applied"
    assert any(d.startswith("copied from visit ") for d in details)


def test_saving_and_archiving_a_protocol_are_recorded(
    app, client, practitioner, make_patient, make_visit, note_form, audit_events
):
    visit = make_visit(make_patient(), practitioner)
    data = note_form(visit, points=["BL23"], action="save_protocol", protocol_name="Low back")
    assert client.post(note_url(visit, "/edit"), data=data).status_code == 302
    with app.app_context():
        protocol_id = db.session.scalar(db.select(PointProtocol.id).where(PointProtocol.name == "Low back"))
    assert client.post(f"/visits/protocols/{protocol_id}/archive").status_code == 302
    created = only(audit_events(action=audit.CREATE))
    archived = only(audit_events(action=audit.ARCHIVE))
    for event in (created, archived):
        assert (event.user_id, event.record_type, event.record_id) == (
            practitioner.id,
            "protocol",
            protocol_id,
        )
        assert (event.patient_id, event.chart_number) == (None, "")  # a protocol is the practitioner's own
    assert created.detail == f"from the points of visit {visit.id}"


# --- Where the rows show up --------------------------------------------------------------------------


def test_the_audit_log_names_the_patient_as_the_actor(app, client, login, make_patient):
    patient = make_patient()
    with app.test_request_context("/i/x/contact"):
        record_event(audit.VIEW, patient=db.session.get(Patient, patient.id), by_patient="link")
        db.session.commit()
    login("admin")
    html = client.get(f"/audit/?chart_number={patient.chart_number}").get_data(as_text=True)
    assert "Patient (intake link)" in html and "(Patient)" in html
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    viewers = chart.split('id="chart-viewers-heading"', 1)[1]
    assert "Patient (intake link)" not in viewers  # the patient's own form is not a look at the chart
