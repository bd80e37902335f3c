"""The clinic outcomes report: counts on a small data set worked out by hand, small groups, filters, the CSV."""

import csv
import io
import re
from datetime import timedelta

from intake.audit.models import AuditEvent
from intake.extensions import db
from tests.conftest import query_count
from tests.outcomes.conftest import EPISODE_START

#: Complaint pain before each visit (after = before - 2). Responders: 1-4 after 1 visit, 6 after 2; 5 never.
HISTORIES = [(7, 4), (7, 4), (8, 5, 5), (6, 4), (6, 5, 5), (5, 5, 3)]


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _clinic(make_patient, make_episode, treat, practitioner, histories=HISTORIES, **episode):
    for n, history in enumerate(histories):
        patient = make_patient(last_name=f"Outcome{n}")
        columns = dict(episode)
        if n == 4:
            columns.update(closed_at=EPISODE_START + timedelta(days=40), closed_reason="stopped")
        if n == 0:
            columns.update(closed_at=EPISODE_START + timedelta(days=40), closed_reason="discharged")
        make_episode(patient, **columns)
        for day, before in enumerate(history):
            treat(
                patient, practitioner, EPISODE_START + timedelta(days=7 * day, hours=1),
                {"lower_back_c": before}, {"lower_back_c": before - 2}, flare_ups=1,
            )  # fmt: skip


def test_the_report_counts_responders_and_suppresses_small_groups(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    _clinic(make_patient, make_episode, treat, practitioner)
    response = client.get("/outcomes/")
    assert response.status_code == 200
    text = _text(response)
    assert "6 patients, 6 episodes." in text
    assert "Meaningful improvement in pain 5 of 6 episodes (83 %)" in text
    assert "Visits before pain improved (median) 1" in text
    assert "Average drop right after a treatment 2.0 points" in text
    assert "Stopped before improving too few to report" in text  # one patient
    assert "Discharged improved, back with the same complaint within 12 months too few to report" in text
    assert "Outcome0" not in text and "Testpatient" not in text
    assert "<svg" in response.get_data(as_text=True)
    (viewed,) = db_events(app, "view")
    assert viewed.patient_id is None


def db_events(app, action):
    with app.app_context():
        return db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.record_type == "outcomes_report", AuditEvent.action == action
            )
        ).all()


def test_filters_narrow_the_episodes_and_a_small_group_is_too_few(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    _clinic(make_patient, make_episode, treat, practitioner)
    text = _text(client.get("/outcomes/", query_string={"kind": "massage"}))
    assert "No episodes of care match these filters." in text
    text = _text(client.get("/outcomes/", query_string={"kind": "acupuncture", "electro": "no"}))
    assert "6 patients, 6 episodes." in text
    text = _text(client.get("/outcomes/", query_string={"complaint": "neck"}))
    assert "No episodes of care match these filters." in text
    _clinic(make_patient, make_episode, treat, practitioner, histories=[(7, 3)], complaint_area="neck")
    text = _text(client.get("/outcomes/", query_string={"complaint": "neck"}))
    assert "1 episode of fewer than 5 patients match: too few to report." in text


def test_bad_filters_are_said_beside_the_field(client, login):
    login("practitioner")
    response = client.get("/outcomes/", query_string={"start": "2025-05-01", "end": "2025-04-01"})
    assert response.status_code == 422
    assert 'id="end-error">The last date must be on or after the first date.' in response.get_data(
        as_text=True
    )
    response = client.get("/outcomes/", query_string={"start": "soon", "kind": "cupping"})
    assert response.status_code == 422
    assert "Enter the first date as YYYY-MM-DD." in _text(response)
    assert "Choose a kind of treatment from the list." in _text(response)
    empty = client.get("/outcomes/", query_string={"start": "2020-01-01", "end": "2020-01-31"})
    assert empty.status_code == 200 and "No episodes of care match these filters." in _text(empty)


def test_front_desk_can_open_neither_the_report_nor_its_csv(client, login):
    login("front_desk")
    assert client.get("/outcomes/").status_code == 403
    assert client.get("/outcomes/export.csv").status_code == 403


def test_the_csv_is_de_identified_and_audited_as_an_export(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    _clinic(make_patient, make_episode, treat, practitioner)
    first = client.get("/outcomes/export.csv")
    assert first.status_code == 200 and first.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(first.get_data(as_text=True))))
    assert len(rows) == 6
    assert {row["age_band"] for row in rows} == {"50-59"}  # born 1970-01-01, started 2025
    assert sorted(row["pain_improved"] for row in rows) == ["no"] + ["yes"] * 5
    body = first.get_data(as_text=True)
    assert "Outcome" not in body and "1970" not in body and "Testpatient" not in body
    with app.app_context():
        from intake.patients.models import Patient

        charts = db.session.scalars(db.select(Patient.chart_number)).all()
    assert not any(chart in body for chart in charts)
    second = list(csv.DictReader(io.StringIO(client.get("/outcomes/export.csv").get_data(as_text=True))))
    assert not {row["row_id"] for row in rows} & {row["row_id"] for row in second}
    assert len(db_events(app, "export")) == 2


def test_the_report_costs_the_same_queries_for_a_small_clinic_or_a_bigger_one(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    _clinic(make_patient, make_episode, treat, practitioner)
    small = (query_count(app, client, "/outcomes/"), query_count(app, client, "/outcomes/export.csv"))
    _clinic(make_patient, make_episode, treat, practitioner, histories=HISTORIES * 3)
    assert (query_count(app, client, "/outcomes/"), query_count(app, client, "/outcomes/export.csv")) == small
