"""The printed chart holds each return-visit check-in in words, with its PEG score and change."""

from tests.printout.test_chart_pdf import pdf_text, pdf_url


def test_check_ins_print_with_their_peg_and_answers_and_are_not_printed_as_intakes(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient(first_name="Rosalind", last_name="Okafor")
    make_submitted_intake(patient)
    make_submitted_check_in(patient, peg={"peg_pain": 6, "peg_enjoyment": 5, "peg_activity": 7})  # 6.0
    make_submitted_check_in(patient)  # 4, 3, 5: 4.0
    login("practitioner")
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))

    assert "Intakes (1)" in text and "Check-ins (2)" in text
    assert text.count("Check-in submitted") == 2
    assert "PEG 6" in text
    assert "PEG 4 (-2 since the check-in before, a meaningful change)" in text
    assert "Average pain: 6 / 10" in text and "Worst flare-up: 7 / 10" in text


def test_a_chart_without_check_ins_says_so(client, login, make_patient, make_submitted_intake):
    patient = make_patient()
    make_submitted_intake(patient)
    login("practitioner")
    assert "No check-in submitted yet." in pdf_text(client.get(pdf_url(patient, scope="whole")))
