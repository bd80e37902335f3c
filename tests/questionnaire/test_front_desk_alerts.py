"""Front desk learns that a patient has alerts for the practitioner, never what they say."""

import pytest

from intake.auth.access import endpoint_access
from intake.auth.roles import FRONT_DESK

#: A word only the patient's clinical answers hold (a medicine, a condition, a device's detail).
CANARY = "Quetzalmycin"
#: The clinical wording the chart banner shows practitioners.
CLINICAL_WORDS = ("saddle numbness", "Red flag", "bleeding risk", "Pacemaker", "refer before treating")


@pytest.fixture
def flagged_patient(make_patient, make_submitted_intake):
    patient = make_patient(first_name="Rosa", last_name="Nakamura")
    make_submitted_intake(
        patient,
        saddle_numbness=True,
        pacemaker=True,
        anticoagulant=True,
        anticoagulant_name=CANARY,
        medications=f"{CANARY} 20 mg",
        conditions=f"{CANARY} allergy",
    )
    return patient


def front_desk_pages(app, patient) -> list[str]:
    """Every page front desk may open that takes no record but the patient (and the lists)."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = endpoint_access(rule.endpoint)
            if "GET" not in rule.methods or access == "public" or FRONT_DESK not in (access or ()):
                continue
            if rule.arguments - {"patient_id"}:
                continue
            urls.append(rule.build({"patient_id": patient.id}, append_unknown=False)[1])
    return sorted(urls)


def test_front_desk_sees_alerts_for_the_practitioner_but_no_clinical_wording_anywhere(
    app, client, login, flagged_patient
):
    login("front_desk")
    chart = client.get(f"/patients/{flagged_patient.id}").get_data(as_text=True)
    assert "Alerts for the practitioner: this patient needs a practitioner before treatment." in chart
    pages = front_desk_pages(app, flagged_patient)
    assert f"/patients/{flagged_patient.id}" in pages and "/" in pages
    for url in pages:
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert CANARY not in html, url
        for words in CLINICAL_WORDS:
            assert words not in html, (url, words)


def test_practitioners_see_the_wording_the_front_desk_does_not(client, login, flagged_patient):
    login("practitioner")
    chart = client.get(f"/patients/{flagged_patient.id}").get_data(as_text=True)
    assert "Red flag: saddle numbness — refer before treating" in chart
    assert f"Anticoagulant ({CANARY}) — bleeding risk" in chart
    assert "Alerts for the practitioner" not in chart


def test_front_desk_is_told_plainly_when_only_precautions_are_on_file(
    client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    login("front_desk")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Alerts for the practitioner." in chart and "needs a practitioner" not in chart
    assert "Pacemaker" not in chart
