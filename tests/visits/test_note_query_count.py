"""A signed visit note costs the same number of SQL statements however long the note and the patient's history."""

from datetime import timedelta

from intake.database import utcnow
from intake.extensions import db
from intake.visits.models import Amendment, ElectroPair, SafetyOverride, VisitPoint
from tests.conftest import queries_of

POINTS = ["BL23", "BL25", "BL40", "GV4", "GB30", "KI3", "SI3", "BL60"]


def _note_url(patient_id: int, visit_id: int) -> str:
    return f"/patients/{patient_id}/visits/{visit_id}"


def _add_overrides_and_amendments(app, visit, practitioners) -> None:
    """Give the note a safety override by each of two practitioners and an amendment by each."""
    with app.app_context():
        for caution, practitioner in zip(
            ("electro_with_pacemaker", "points_in_first_trimester"), practitioners, strict=True
        ):
            db.session.add(
                SafetyOverride(
                    visit_id=visit.id,
                    caution=caution,
                    reason=f"Discussed with the patient ({practitioner.full_name})",
                    recorded_by_id=practitioner.id,
                )
            )
        for n, practitioner in enumerate(practitioners, start=1):
            db.session.add(
                Amendment(
                    visit_id=visit.id,
                    amended_by_id=practitioner.id,
                    amended_by_name=practitioner.full_name,
                    reason=f"Correction {n}",
                    changes=[["Assessment", "", f"Corrected {n}"]],
                    note_after={},
                )
            )
        db.session.commit()


def test_a_signed_note_costs_the_same_for_a_short_note_or_a_long_one_in_a_long_history(
    app, client, login, make_patient, make_user, make_visit
):
    me = login("practitioner")
    colleague = make_user(role="practitioner", full_name="Colleague Practitioner")
    short_patient = make_patient(last_name="Short")
    short = make_visit(short_patient, me, points=POINTS[:1], signed=True)

    long_patient = make_patient(last_name="Long")
    start = utcnow() - timedelta(days=400)
    for n in range(40):
        make_visit(long_patient, me, points=POINTS[:2], signed=True, visit_at=start + timedelta(days=n * 7))
    long = make_visit(long_patient, me, points=POINTS, signed=True)
    _add_overrides_and_amendments(app, long, [me, colleague])

    short_count, _ = queries_of(app, client, _note_url(short_patient.id, short.id))
    long_count, response = queries_of(app, client, _note_url(long_patient.id, long.id))
    html = response.get_data(as_text=True)
    # Each override says who recorded it, each amendment who made it: read with the note, not one row at a time.
    assert "Discussed with the patient (Colleague Practitioner)" in html
    assert me.signature_name in html and colleague.signature_name in html
    assert "Corrected 2" in html
    assert long_count == short_count
    # Sign-in, the note with its rows, the alerts, and the audit row of who looked.
    assert long_count <= 16


def test_a_note_of_another_patient_is_not_found(app, client, login, make_patient, make_visit):
    me = login("practitioner")
    patient = make_patient(last_name="Owner")
    other = make_patient(last_name="Other")
    visit = make_visit(patient, me, signed=True)
    response = client.get(_note_url(other.id, visit.id))
    assert response.status_code == 404


def test_a_signed_note_shows_its_points_pairs_overrides_and_amendments_in_their_order(
    app, client, login, make_patient, make_user, make_visit
):
    me = login("practitioner")
    colleague = make_user(role="practitioner", full_name="Colleague Practitioner")
    patient = make_patient(last_name="Ordered")
    visit = make_visit(patient, me, signed=True)
    with app.app_context():
        # Written in the reverse of the note's order: the page follows the note's positions, not the rows' ids.
        for position, code in reversed(list(enumerate(["BL23", "GB30", "KI3"]))):
            db.session.add(
                VisitPoint(
                    visit_id=visit.id, position=position, code=code, side="bilateral", technique="even"
                )
            )
        for position, (first, second) in reversed(list(enumerate([("BL23", "BL25"), ("GB30", "BL40")]))):
            db.session.add(
                ElectroPair(
                    visit_id=visit.id,
                    position=position,
                    first_point=first,
                    second_point=second,
                    frequency_hz=2 + position,
                    intensity="moderate",
                    minutes=20,
                )
            )
        db.session.commit()
    _add_overrides_and_amendments(app, visit, [me, colleague])
    with app.app_context():  # an amendment entered later but dated earlier is listed first
        db.session.add(
            Amendment(
                visit_id=visit.id,
                amended_by_id=colleague.id,
                amended_by_name=colleague.full_name,
                amended_at=utcnow() - timedelta(days=1),
                reason="Correction dated yesterday",
                changes=[["Assessment", "", "Corrected yesterday"]],
                note_after={},
            )
        )
        db.session.commit()

    response = client.get(_note_url(patient.id, visit.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("BL23 (both sides") < html.index("GB30 (both sides") < html.index("KI3 (both sides")
    assert html.index("BL23–BL25 2 Hz, moderate, 20 min") < html.index("GB30–BL40 3 Hz, moderate, 20 min")
    assert html.index(f"Discussed with the patient ({me.full_name})") < html.index(
        "Discussed with the patient (Colleague Practitioner)"
    )
    amendments = html[html.index('id="amendments-heading"') :]
    assert (
        amendments.index("Correction dated yesterday")
        < amendments.index("Correction 1")
        < amendments.index("Correction 2")
    )
