"""Each write of a visit note records its own audit event, whoever calls it (a page, the demo, a script)."""

import pytest

from intake.audit import models as audit
from intake.auth.models import User
from intake.extensions import db
from intake.patients.models import Patient
from intake.refused import Refused
from intake.visits import operations
from intake.visits.models import PointProtocol
from intake.visits.note_record import effective_note, read_note


def _trail(app, visit_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        events = db.session.scalars(
            db.select(audit.AuditEvent)
            .where(audit.AuditEvent.record_type == "visit", audit.AuditEvent.record_id == visit_id)
            .order_by(audit.AuditEvent.id)
        )
        return [(event.action, event.detail) for event in events]


def test_starting_saving_signing_and_amending_a_note_record_themselves(app, make_user, make_patient):
    practitioner_id, patient_id = make_user(role="practitioner").id, make_patient().id
    with app.app_context():
        user = db.session.get(User, practitioner_id)
        visit = operations.start_visit(db.session.get(Patient, patient_id), user)
        note = {**read_note(visit), "tongue": "Pale"}
        assert operations.save_draft(visit, note, base_version=visit.version, user=user, alerts=set())
        operations.sign_visit(visit, user, alerts=set())
        changed = {**effective_note(visit), "pulse": "Wiry"}
        amendment = operations.amend_visit(visit, changed, reason="Pulse left out", user=user, alerts=set())
        db.session.commit()
        visit_id, amendment_id = visit.id, amendment.id
    trail = _trail(app, visit_id)
    assert trail[:2] == [(audit.CREATE, ""), (audit.EDIT, "draft saved")]
    # The sign and amend events carry the note's seal, which audit-verify checks the note against.
    assert [action for action, _ in trail[2:]] == [audit.SIGN, audit.AMEND]
    assert trail[2][1].startswith("note sealed ")
    assert trail[3][1].startswith(f"amendment {amendment_id} · note sealed ")


def test_a_refused_signature_records_nothing(app, make_user, make_patient):
    practitioner_id, patient_id = make_user(role="practitioner").id, make_patient().id
    with app.app_context():
        user = db.session.get(User, practitioner_id)
        visit = operations.start_visit(db.session.get(Patient, patient_id), user)
        db.session.commit()
        note = {**read_note(visit), "points": [], "needles_inserted": 3, "needles_removed": 2}
        operations.save_draft(visit, note, base_version=visit.version, user=user, alerts=set())
        db.session.commit()
        with pytest.raises(Refused) as refused:
            operations.sign_visit(visit, user, alerts=set())
        assert "needles_removed" in refused.value.errors
        db.session.rollback()
        visit_id = visit.id
    assert [action for action, _ in _trail(app, visit_id)] == [audit.CREATE, audit.EDIT]


def test_a_protocol_of_another_practitioner_is_refused_by_the_save_itself(
    app, make_user, make_patient, make_protocol
):
    theirs = make_protocol(make_user(role="practitioner"), "Sam's", ["BL23"])
    practitioner_id, patient_id = make_user(role="practitioner").id, make_patient().id
    with app.app_context():
        user = db.session.get(User, practitioner_id)
        visit = operations.start_visit(db.session.get(Patient, patient_id), user)
        note = {**read_note(visit), "protocol_id": theirs.id}
        with pytest.raises(Refused) as refused:
            operations.save_draft(visit, note, base_version=visit.version, user=user, alerts=set())
        assert refused.value.errors == {"protocol_id": operations.FOREIGN_PROTOCOL}
        with pytest.raises(operations.ProtocolNotFound):
            operations.save_draft(
                visit,
                read_note(visit),
                base_version=visit.version,
                user=user,
                alerts=set(),
                apply_protocol_id=theirs.id,
            )
        with pytest.raises(operations.ProtocolNotFound):
            operations.archive_protocol(db.session.get(PointProtocol, theirs.id), user)
