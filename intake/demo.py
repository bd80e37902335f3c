"""Demo staff and patients, with a few months of clinic life, for trying the app on a new machine.

Everything is made through the features' own operations (the intake questionnaire, visit notes
with signing and an amendment, a pain check-in), then dated back so every page reads like a real
history. Demo data is for trying the app only; never load it into a production database.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app

from intake.auth.models import User
from intake.auth.operations import create_user
from intake.auth.roles import ADMIN, FRONT_DESK, PRACTITIONER
from intake.clinic_time import clinic_today, clinic_zone
from intake.extensions import db
from intake.pain.models import PainScore
from intake.pain.operations import record_check_in
from intake.patients.operations import create_patient
from intake.questionnaire import operations as intake_operations
from intake.questionnaire import steps as q
from intake.visits import operations as visit_operations
from intake.visits.note_record import effective_note, read_note
from intake.visits.safety import alert_codes

DEMO_STAFF = (
    dict(
        email="admin@clinic.example",
        full_name="Alex Morgan",
        role=ADMIN,
        designation="",
        password="demo-admin-pass-2026",
    ),
    dict(
        email="mei.chen@clinic.example",
        full_name="Mei Chen",
        role=PRACTITIONER,
        designation="R.Ac",
        password="demo-practitioner-2026",
    ),
    dict(
        email="sam.taylor@clinic.example",
        full_name="Sam Taylor",
        role=PRACTITIONER,
        designation="RMT",
        password="demo-therapist-2026",
    ),
    dict(
        email="frontdesk@clinic.example",
        full_name="Jordan Lee",
        role=FRONT_DESK,
        designation="",
        password="demo-frontdesk-2026",
    ),
)

DEMO_PATIENTS = (
    dict(
        first_name="Margaret",
        last_name="Okafor",
        preferred_name="Maggie",
        date_of_birth=date(1961, 4, 12),
        sex_at_birth="female",
        phone="780-555-0142",
        email="maggie.okafor@example.com",
        address_line="10234 104 St NW",
        city="Edmonton",
        province="AB",
        postal_code="T5J 1B2",
        personal_health_number="123456782",
        emergency_contact_name="Daniel Okafor",
        emergency_contact_relationship="Husband",
        emergency_contact_phone="780-555-0143",
    ),
    dict(
        first_name="Tyler",
        last_name="Bergstrom",
        date_of_birth=date(1988, 9, 3),
        sex_at_birth="male",
        phone="587-555-0199",
        email="tyler.b@example.com",
        city="St. Albert",
        province="AB",
    ),
    dict(
        first_name="Priya",
        last_name="Ramanathan",
        date_of_birth=date(1994, 1, 27),
        sex_at_birth="female",
        phone="780-555-0117",
        city="Edmonton",
        province="AB",
        staff_notes="Prefers afternoon appointments.",
    ),
    dict(
        first_name="Walter",
        last_name="Nguyen",
        preferred_name="Walt",
        date_of_birth=date(1949, 11, 30),
        sex_at_birth="male",
        phone="780-555-0170",
        city="Sherwood Park",
        province="AB",
    ),
)


def has_any_staff() -> bool:
    return db.session.scalar(db.select(User.id).limit(1)) is not None


def seed_demo() -> list[dict]:
    """Create the demo staff, patients and their histories; return the staff logins."""
    staff = {person["email"].split("@")[0]: create_user(**person) for person in DEMO_STAFF}
    patients = [create_patient(values) for values in DEMO_PATIENTS]
    db.session.flush()
    maggie, tyler, priya, walter = patients
    mei, sam = staff["mei.chen"], staff["sam.taylor"]
    _seed_maggie(maggie, mei)
    _seed_tyler(tyler, mei, sam)
    _seed_priya(priya, mei, sam)
    _seed_walter(walter)
    db.session.commit()
    return [dict(email=p["email"], password=p["password"], role=p["role"]) for p in DEMO_STAFF]


# --- The clinic's calendar ----------------------------------------------------------------


def clinic_moment(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """Return the UTC time of ``hour:minute`` at the clinic, ``days_ago`` days before today."""
    day = clinic_today() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=clinic_zone()).astimezone(UTC)


# --- Intake -------------------------------------------------------------------------------


def _health(**answers) -> dict:
    """Health-history answers: nothing to watch out for, except ``answers``."""
    health = {
        "conditions": "",
        "medications": "",
        "anticoagulant": False,
        "anticoagulant_name": "",
        "allergy_other": "",
        "pregnant": "no",
        "trimester": "",
        **{key: False for key, _label, _alert in q.ALLERGIES},
        **{key: False for key in q.PRECAUTION_KEYS},
        **{p.key: False for p in q.DETAILED_PRECAUTIONS},
        **{f"{p.key}_detail": "" for p in q.DETAILED_PRECAUTIONS},
    }
    health.update(answers)
    return health


def _submit_intake(
    patient,
    when: datetime,
    *,
    complaint: dict,
    pain: dict,
    odi: int,
    health: dict,
    red_flags=(),
    reviewer=None,
):
    """Fill and submit an intake as the patient would on the clinic tablet, dated ``when``."""
    answers = {
        q.CONTACT: {name: getattr(patient, name) or "" for name in q.CONTACT_FIELDS},
        q.COMPLAINT: complaint,
        q.PAIN: {"regions": pain, "worst": max(pain.values()) + 1, "least": 1, "average": max(pain.values())},
        q.ODI: {key: odi for key in q.ODI_SECTION_KEYS},
        q.RED_FLAGS: {key: key in red_flags for key in q.RED_FLAG_KEYS},
        q.HEALTH: health,
    }
    intake = intake_operations.start_intake(patient)
    for step, values in answers.items():
        intake_operations.save_step(intake, step, values)
    name = f"{patient.first_name} {patient.last_name}"
    intake_operations.record_consent(
        intake,
        full_name=name,
        signature_path=None,
        signature_typed=name,
        version=current_app.config["INTAKE_CONSENT_VERSION"],
        text=current_app.config["INTAKE_CONSENT_TEXT"],
        client_ip=None,
    )
    intake_operations.submit_intake(intake)
    if reviewer is not None:
        intake_operations.mark_reviewed(intake, reviewer.id)
    db.session.flush()
    _date_intake(intake, when, reviewed=reviewer is not None)
    return intake


def _date_intake(intake, when: datetime, *, reviewed: bool) -> None:
    """Move a just-submitted intake, and the pain scores it recorded, back to ``when``."""
    intake.created_at = when - timedelta(minutes=20)
    intake.consent_signed_at = intake.privacy_acknowledged_at = when - timedelta(minutes=2)
    intake.submitted_at = intake.updated_at = when
    if reviewed:
        intake.reviewed_at = when + timedelta(hours=2)
    for score in db.session.scalars(db.select(PainScore).where(PainScore.intake_id == intake.id)):
        score.recorded_at = score.created_at = when


LOW_BACK_COMPLAINT = {
    "reason": "Lower back pain",
    "goals": "",
    "onset_description": "",
    "started": "over_3_months",
    "pattern": "intermittent",
    "worse": "",
    "better": "",
    "previous_treatment": "",
    "previous_acupuncture": False,
    "previous_massage": False,
}


# --- Visit notes --------------------------------------------------------------------------


def _visit(patient, practitioner, when: datetime, *, sign: bool = True, **note_values):
    """Write a visit note through the note's own rules (draft, then sign), dated ``when``."""
    alerts = alert_codes(patient.id)
    visit = visit_operations.start_visit(patient, practitioner)
    note = read_note(visit)
    note.update(note_values, visit_at=when.isoformat())
    visit_operations.save_draft(visit, note, base_version=visit.version, user=practitioner, alerts=alerts)
    if sign:
        visit_operations.sign_visit(visit, practitioner, alerts=alerts)
    visit.created_at = when
    visit.updated_at = when + timedelta(minutes=55)
    if sign:
        visit.signed_at = when + timedelta(hours=1)
    db.session.flush()
    return visit


def _amend(visit, practitioner, when: datetime, reason: str, **changes) -> None:
    """Amend a signed note (who, when, why, what changed), dated ``when``."""
    note = {**effective_note(visit), **changes}
    amendment = visit_operations.amend_visit(
        visit, note, reason=reason, user=practitioner, alerts=alert_codes(visit.patient_id)
    )
    amendment.amended_at = when


def _point(code: str, technique: str = "tonify", *, de_qi: bool = True) -> dict:
    side = "midline" if code[:2] in ("GV", "CV") else "bilateral"
    return {"code": code, "side": side, "technique": technique, "de_qi": de_qi, "depth_cun": None}


def _needles(points: list[dict]) -> int:
    return sum(1 if point["side"] == "midline" else 2 for point in points)


def _acupuncture(points: list[dict], **note_values) -> dict:
    """Return an acupuncture note's needling, with the needle count checked on removal."""
    count = _needles(points)
    return dict(
        kind="acupuncture",
        duration_minutes=45,
        points=points,
        needle_gauge="0.25 mm",
        needle_length="40 mm",
        retention_minutes=25,
        needles_inserted=count,
        needles_removed=count,
        reactions=["none"],
        **note_values,
    )


# --- The patients' stories -----------------------------------------------------------------

#: Margaret: chronic low back pain, weekly then fortnightly acupuncture, slowly getting better.
MAGGIE_VISITS = (
    # days ago, lower back centre / left / left buttock before treatment, how she has been
    (112, (7, 6, 4), "same"),
    (105, (7, 6, 4), "same"),
    (98, (6, 5, 3), "better"),
    (91, (6, 5, 3), "better"),
    (84, (5, 5, 3), "better"),
    (70, (5, 4, 2), "same"),
    (56, (4, 4, 2), "better"),
    (42, (4, 3, 2), "better"),
    (28, (3, 3, 1), "better"),
    (14, (3, 2, 1), "better"),
)


def _seed_maggie(maggie, mei) -> None:
    """Pacemaker and warfarin: acupuncture without electro-acupuncture or cupping, a check-in, an amendment."""
    health = _health(
        pacemaker=True,
        anticoagulant=True,
        anticoagulant_name="warfarin",
        conditions="Atrial fibrillation; pacemaker since 2019",
        medications="Warfarin 5 mg daily",
    )
    complaint = {
        **LOW_BACK_COMPLAINT,
        "goals": "Garden again and walk the dog without stopping",
        "onset_description": "Gradual; worse since shovelling snow last winter",
        "worse": "Standing at the sink, bending",
        "better": "Heat, short walks",
    }
    first_pain = {"lower_back_c": 7, "lower_back_l": 6, "buttock_l": 4}
    _submit_intake(
        maggie,
        clinic_moment(119, 10),
        complaint=complaint,
        pain=first_pain,
        odi=2,
        health=health,
        reviewer=mei,
    )
    points = [_point(code) for code in ("BL23", "BL25", "BL40", "GV4", "KI3")]
    protocol = visit_operations.save_protocol(mei, "Low back — Kidney deficiency", points)
    visits = []
    for days_ago, (centre, left, buttock), progress in MAGGIE_VISITS:
        before = {"lower_back_c": centre, "lower_back_l": left, "buttock_l": buttock}
        after = {code: max(0, score - 2) for code, score in before.items()}
        extra = [_point("GB30", "reduce")] if buttock >= 3 else []
        note = _acupuncture(
            points + extra,
            protocol_id=protocol.id,
            progress=progress,
            flare_ups=1 if progress == "same" else 0,
            flare_up_worst=7 if progress == "same" else None,
            sleep="fair" if centre >= 5 else "good",
            patient_report="Stiff in the mornings; eases after a walk."
            if centre >= 5
            else "Gardening again, short spells.",
            lumbar_flexion_degrees=40 + (7 - centre) * 8,
            tongue="Pale, thin white coat",
            pulse="Deep, weak in both chi positions",
            tcm_pattern="Kidney deficiency",
            moxibustion_kind="stick",
            moxibustion_points=["BL23"],
            next_visit="One week" if days_ago > 84 else "Two weeks",
            frequency="Weekly" if days_ago > 84 else "Every two weeks",
            home_care="Heat on the low back 15 minutes a day; pelvic tilts morning and evening.",
            pain_before=before,
            pain_after=after,
        )
        visits.append(_visit(maggie, mei, clinic_moment(days_ago, 10), **note))
    # She phoned the next morning: the low back had eased less than she said on the table.
    corrected = visits[4]
    _amend(
        corrected,
        mei,
        clinic_moment(83, 9, 15),
        "Patient phoned the next morning: after treatment the centre of the low back was 4, not 3.",
        pain_after={**effective_note(corrected)["pain_after"], "lower_back_c": 4},
    )
    record_check_in(
        maggie.id,
        {"lower_back_c": 4, "lower_back_l": 3},
        recorded_at=clinic_moment(35, 16),
        recorded_by_id=mei.id,
    )
    _submit_intake(
        maggie,
        clinic_moment(15, 9, 30),
        complaint=complaint,
        odi=1,
        health=health,
        pain={"lower_back_c": 3, "lower_back_l": 2},
        reviewer=mei,
    )


#: Tyler: right-sided low back and buttock pain from hockey, massage every two weeks.
TYLER_VISITS = ((70, 6), (56, 6), (42, 5), (28, 4), (14, 3), (7, 3))


def _seed_tyler(tyler, mei, sam) -> None:
    """Massage with the RMT; an unsigned acupuncture draft from two days ago on Mei Chen's dashboard."""
    complaint = {
        **LOW_BACK_COMPLAINT,
        "reason": "Right low back and buttock pain",
        "goals": "Play a full hockey game",
        "onset_description": "Hit into the boards in February",
        "started": "over_3_months",
        "worse": "Sitting in the car",
        "better": "Stretching",
        "previous_massage": True,
    }
    pain = {"lower_back_r": 6, "sacroiliac_r": 5, "buttock_r": 5, "thigh_back_r": 3}
    _submit_intake(
        tyler, clinic_moment(75, 17), complaint=complaint, pain=pain, odi=1, health=_health(), reviewer=sam
    )
    for days_ago, low_back in TYLER_VISITS:
        before = {"lower_back_r": low_back, "buttock_r": low_back - 1, "thigh_back_r": max(0, low_back - 3)}
        after = {code: max(0, score - 2) for code, score in before.items()}
        note: dict[str, Any] = dict(
            kind="massage",
            duration_minutes=60,
            progress="better" if days_ago < 56 else "same",
            flare_ups=0,
            patient_report="Right buttock tight after games.",
            tender_points="Right QL, right piriformis, right gluteus medius",
            massage_techniques=["deep_tissue", "trigger_point", "myofascial_release", "stretching"],
            massage_areas=["lower_back_r", "buttock_r", "thigh_back_r"],
            massage_pressure="firm",
            massage_minutes=50,
            massage_tolerance="well",
            massage_response="Piriformis released; straight-leg raise freer afterwards.",
            home_care="Figure-four stretch twice a day; foam roll the glutes.",
            next_visit="Two weeks",
            reactions=["none"],
            pain_before=before,
            pain_after=after,
        )
        _visit(tyler, sam, clinic_moment(days_ago, 17), **note)
    draft: dict[str, Any] = dict(
        kind="acupuncture",
        progress="worse",
        flare_ups=1,
        flare_up_worst=6,
        patient_report="Flared after a game on the weekend.",
        points=[_point(code, "reduce") for code in ("BL25", "GB30", "BL40")],
        pain_before={"lower_back_r": 5, "buttock_r": 5},
    )
    _visit(tyler, mei, clinic_moment(2, 11), sign=False, **draft)


def _seed_priya(priya, mei, sam) -> None:
    """First trimester: gentle side-lying massage, and acupuncture on points safe in early pregnancy."""
    complaint = {
        **LOW_BACK_COMPLAINT,
        "reason": "Low back and left SI joint pain in early pregnancy",
        "goals": "Keep working at my desk",
        "started": "under_6_weeks",
        "pattern": "constant",
        "worse": "Sitting at work",
        "better": "Lying on my side",
    }
    health = _health(pregnant="yes", trimester="1", medications="Prenatal vitamins")
    pain = {"lower_back_c": 5, "sacroiliac_l": 4}
    _submit_intake(
        priya, clinic_moment(30, 13), complaint=complaint, pain=pain, odi=1, health=health, reviewer=mei
    )
    massage: dict[str, Any] = dict(
        kind="massage",
        duration_minutes=45,
        massage_techniques=["swedish", "myofascial_release"],
        massage_areas=["lower_back_c", "sacroiliac_l", "buttock_l"],
        massage_pressure="light",
        massage_minutes=40,
        massage_tolerance="well",
        massage_response="Side-lying with a pillow between the knees; eased.",
        massage_areas_to_avoid="Abdomen",
        reactions=["none"],
    )
    _visit(
        priya,
        sam,
        clinic_moment(21, 14),
        pain_before=pain,
        pain_after={"lower_back_c": 3, "sacroiliac_l": 3},
        **massage,
    )
    note = _acupuncture(
        [_point("PC6", "even"), _point("ST36"), _point("GB34", "even")],
        progress="better",
        patient_report="Morning nausea; back a little easier after the massage.",
        tongue="Pink, thin coat",
        pulse="Slippery",
        tcm_pattern="Qi and blood stagnation",
        home_care="Support belt when standing long; side-lying to sleep.",
        pain_before={"lower_back_c": 4, "sacroiliac_l": 3},
        pain_after={"lower_back_c": 2, "sacroiliac_l": 2},
    )
    _visit(priya, mei, clinic_moment(14, 13), **note)
    _visit(
        priya,
        sam,
        clinic_moment(7, 14),
        pain_before={"lower_back_c": 3, "sacroiliac_l": 2},
        pain_after={"lower_back_c": 2, "sacroiliac_l": 1},
        **massage,
    )


def _seed_walter(walter) -> None:
    """New back pain at 76 with night pain: red flags, waiting for review before any treatment."""
    complaint = {
        **LOW_BACK_COMPLAINT,
        "reason": "New low back pain",
        "started": "under_6_weeks",
        "pattern": "constant",
        "worse": "Lying down at night",
        "better": "Nothing much",
    }
    _submit_intake(
        walter,
        clinic_moment(1, 15),
        complaint=complaint,
        pain={"lower_back_c": 6, "mid_back_l": 4},
        odi=3,
        health=_health(),
        red_flags=("night_pain", "weight_loss"),
    )
