"""Return-visit check-ins in the patient's own record: a QuestionnaireResponse each and a PEG Observation."""

from fhir.resources.R4B.bundle import Bundle

from intake.fhir import codes
from tests.fhir.test_record import download, references_in, resources, schema_errors


def test_each_check_in_is_a_response_with_its_peg_score_and_its_three_items(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient(first_name="Rowan", last_name="Ashgrove")
    make_submitted_intake(patient)
    make_submitted_check_in(patient, peg={"peg_pain": 6, "peg_enjoyment": 5, "peg_activity": 7})
    make_submitted_check_in(patient)  # 4, 3, 5: PEG 4.0
    login("practitioner")
    _response, bundle = download(client, patient.id)

    assert schema_errors(bundle) == []
    Bundle.model_validate(bundle)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert [ref for ref in references_in(bundle["entry"]) if ref not in full_urls] == []

    questionnaires = {q["url"]: q for q in resources(bundle, "Questionnaire")}
    assert set(questionnaires) == {codes.INTAKE_QUESTIONNAIRE, codes.CHECK_IN_QUESTIONNAIRE}
    responses = resources(bundle, "QuestionnaireResponse")
    check_ins = [r for r in responses if r["questionnaire"] == codes.CHECK_IN_QUESTIONNAIRE]
    assert len(check_ins) == 2 and len(responses) == 3
    asked = {
        item["linkId"]
        for group in questionnaires[codes.CHECK_IN_QUESTIONNAIRE]["item"]
        for item in group["item"]
    }
    answered = {item["linkId"] for group in check_ins[0]["item"] for item in group["item"]}
    assert answered and answered <= asked
    assert "peg" in {group["linkId"] for group in check_ins[0]["item"]}

    pegs = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "91148-7"]
    assert [o["valueQuantity"]["value"] for o in pegs] == [6.0, 4.0]
    first = pegs[0]
    assert first["code"]["coding"][0]["display"] == "PEG 3 item pain scale"
    assert [(c["code"]["coding"][0]["code"], c["valueInteger"]) for c in first["component"]] == [
        ("peg_pain", 6), ("peg_enjoyment", 5), ("peg_activity", 7)
    ]  # fmt: skip
    assert all(c["code"]["coding"][0]["system"] == codes.PEG_ITEM for c in first["component"])
    response_urls = {f"urn:uuid:{r['id']}" for r in check_ins}
    assert {o["derivedFrom"][0]["reference"] for o in pegs} == response_urls
    # A check-in is not an intake: it has no ODI of its own.
    assert (
        len([o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "97909-6"]) == 1
    )


def test_the_progress_summary_judges_peg_from_the_check_ins_in_the_episode(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    make_submitted_intake(patient)  # opens the episode
    make_submitted_check_in(patient, peg={"peg_pain": 6, "peg_enjoyment": 5, "peg_activity": 7})  # 6.0
    make_submitted_check_in(patient)  # 4.0
    login("practitioner")
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "No PEG scores yet" not in page
    assert "PEG fell from 6 to 4" in page
