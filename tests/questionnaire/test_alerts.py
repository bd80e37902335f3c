"""Every red flag and every precaution in the answers becomes an alert on the chart."""

from datetime import date

import pytest

from intake.extensions import db
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import patient_alerts


def alerts_of(app, patient):
    with app.app_context():
        return patient_alerts(patient.id)


def test_no_intake_means_no_alerts(app, make_patient):
    assert alerts_of(app, make_patient()) == []


def test_nothing_to_watch_out_for_means_no_alerts(app, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient)
    assert alerts_of(app, patient) == []


@pytest.mark.parametrize("flag", q.RED_FLAGS_ASKED, ids=lambda flag: flag.key)
def test_each_red_flag_is_a_danger_alert(app, make_patient, make_submitted_intake, flag):
    patient = make_patient()
    make_submitted_intake(patient, **{flag.key: True})
    [alert] = alerts_of(app, patient)
    assert alert.code == f"red_flag_{flag.key}"
    assert alert.severity == "danger"
    assert alert.message == f"Red flag: {flag.alert} — refer before treating"


def test_saddle_numbness_reads_as_the_clinic_writes_it(app, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient, saddle_numbness=True)
    assert [a.message for a in alerts_of(app, patient)] == [
        "Red flag: saddle numbness — refer before treating"
    ]


@pytest.mark.parametrize(
    ("born", "started", "expected"),
    [
        (date(1960, 1, 1), "under_6_weeks", "over 50"),
        (date(2010, 1, 1), "6_to_12_weeks", "under 20"),
        (date(1960, 1, 1), "over_3_months", None),  # long-standing pain is not "new"
        (date(1990, 1, 1), "under_6_weeks", None),
    ],
)
def test_age_with_new_back_pain_is_a_red_flag(
    app, make_patient, make_submitted_intake, born, started, expected
):
    patient = make_patient(date_of_birth=born)
    make_submitted_intake(patient, started=started)
    alerts = alerts_of(app, patient)
    if expected is None:
        assert alerts == []
    else:
        [alert] = alerts
        assert alert.code == "red_flag_age"
        assert alert.severity == "danger"
        assert expected in alert.message


@pytest.mark.parametrize("precaution", q.PRECAUTIONS_ASKED, ids=lambda p: p.key)
def test_each_precaution_is_a_warning(app, make_patient, make_submitted_intake, precaution):
    patient = make_patient()
    make_submitted_intake(patient, **{precaution.key: True})
    [alert] = alerts_of(app, patient)
    assert (alert.code, alert.message, alert.severity) == (precaution.key, precaution.alert, "warning")


def test_pacemaker_warns_against_electro_acupuncture(app, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    [alert] = alerts_of(app, patient)
    assert (alert.code, alert.message) == ("pacemaker", "Pacemaker — no electro-acupuncture")


@pytest.mark.parametrize(
    ("answers", "code", "message"),
    [
        (
            {"pregnant": True, "trimester": 1},
            "pregnancy_first_trimester",
            "Pregnant (1st trimester) — avoid lumbosacral and lower-abdominal points",
        ),
        (
            {"pregnant": True, "trimester": 2},
            "pregnancy",
            "Pregnant (2nd trimester) — avoid lumbosacral and lower-abdominal points",
        ),
        (
            {"pregnant": True, "trimester": "unsure"},
            "pregnancy",
            "Pregnant (trimester unknown) — avoid lumbosacral and lower-abdominal points",
        ),
        (
            {"pregnant": "possibly"},
            "pregnancy_first_trimester",
            "Possibly pregnant (treat as 1st trimester) — avoid lumbosacral and lower-abdominal points",
        ),
    ],
)
def test_pregnancy_warns_by_trimester(app, make_patient, make_submitted_intake, answers, code, message):
    patient = make_patient(sex_at_birth="female")
    make_submitted_intake(patient, **answers)
    [alert] = alerts_of(app, patient)
    assert (alert.code, alert.message, alert.severity) == (code, message, "warning")


def test_anticoagulant_is_named(app, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient, anticoagulant=True, anticoagulant_name="warfarin")
    [alert] = alerts_of(app, patient)
    assert (alert.code, alert.message) == ("anticoagulant", "Anticoagulant (warfarin) — bleeding risk")


@pytest.mark.parametrize(("key", "_label", "message"), q.ALLERGIES)
def test_each_allergy_is_a_warning(app, make_patient, make_submitted_intake, key, _label, message):
    patient = make_patient()
    make_submitted_intake(patient, **{key: True})
    assert [(a.code, a.message) for a in alerts_of(app, patient)] == [(key, message)]


def test_other_allergy_and_detailed_precautions_carry_the_patients_words(
    app, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(
        patient,
        allergy_other="penicillin",
        skin_condition=True,
        skin_condition_detail="psoriasis on elbows",
        recent_surgery=True,
        recent_surgery_detail="knee arthroscopy",
    )
    messages = [a.message for a in alerts_of(app, patient)]
    assert messages == [
        "Skin condition (psoriasis on elbows) — avoid affected areas",
        "Recent surgery (knee arthroscopy) — avoid the surgical site",
        "Allergy: penicillin",
    ]


def test_red_flags_come_before_precautions(app, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True, fever=True)
    assert [a.severity for a in alerts_of(app, patient)] == ["danger", "warning"]


def test_alerts_come_from_the_latest_submitted_intake(app, make_patient, make_submitted_intake, make_intake):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    make_submitted_intake(patient, bleeding_disorder=True)
    make_intake(patient)  # a newer intake still being filled does not count yet
    assert [a.code for a in alerts_of(app, patient)] == ["bleeding_disorder"]
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count()).select_from(db.metadata.tables["patient_intake"]))
            == 3
        )
