"""The pain history's queries are answered from the patient's own rows, whatever the clinic's size."""

from tests.test_query_plans import assert_uses_index, captured_statements, query_plan, the_statement


def test_the_odi_series_is_read_through_the_patients_intakes_not_the_clinics(
    app, client, login, make_patient, make_intake
):
    login("practitioner")
    patient = make_patient()
    make_intake(patient, status="submitted", odi_percent=40.0)
    make_intake(make_patient(), status="submitted", odi_percent=20.0)
    for page in ("", "?period=all"):
        with captured_statements(app) as statements:
            assert client.get(f"/patients/{patient.id}/pain/{page}").status_code == 200
        sql, params = the_statement(statements, "patient_intake.odi_percent", "FROM patient_intake")
        plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_bitmapscan"))
        assert "ix_patient_intake_status" not in plan, plan
        assert_uses_index(plan, "patient_intake", "ix_patient_intake_patient")
