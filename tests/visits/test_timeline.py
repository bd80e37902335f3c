"""The chart's visit section shows the latest visits in a fixed number of queries; the list pages through all."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.operations import record_scores
from intake.visits.chart import CHART_VISITS
from intake.visits.models import Amendment, Visit, VisitPoint
from intake.visits.note_record import read_note
from intake.visits.timeline_views import VISITS_PER_PAGE
from tests.conftest import counting_queries


@pytest.fixture
def make_visit_history(app):
    """Give a patient ``visits`` signed visits, two days apart, the newest first in ``number`` order.

    Every visit needles BL23 and GV4, massages the lower back and scores it before and after;
    every tenth visit has an amendment that adds KI3.
    """

    def factory(patient, practitioner, *, visits):
        with app.app_context():
            start = utcnow().replace(second=0, microsecond=0) - timedelta(days=2 * visits + 1)
            for n in range(visits):
                treated_at = start + timedelta(days=2 * n)
                visit = Visit(
                    patient_id=patient.id,
                    practitioner_id=practitioner.id,
                    created_at=treated_at,
                    visit_at=treated_at,
                    massage_areas=["lower_back_c"],
                    signed_at=treated_at + timedelta(hours=1),
                    signed_by_id=practitioner.id,
                    signed_name=practitioner.full_name,
                )
                visit.points = [
                    VisitPoint(position=0, code="BL23", side="bilateral", technique="tonify"),
                    VisitPoint(position=1, code="GV4", side="midline", technique="even"),
                ]
                db.session.add(visit)
                db.session.flush()
                before = {"lower_back_l": 8 - n * 6 // visits, "hip_r": 4}
                after = {code: max(0, score - 3) for code, score in before.items()}
                common = dict(recorded_at=treated_at, recorded_by_id=practitioner.id, visit_id=visit.id)
                record_scores(patient.id, before, context=BEFORE_TREATMENT, **common)
                record_scores(patient.id, after, context=AFTER_TREATMENT, **common)
                if n % 10 == 9:
                    note = read_note(visit)
                    note["points"] = note["points"] + [
                        {
                            "code": "KI3",
                            "side": "bilateral",
                            "technique": "tonify",
                            "de_qi": True,
                            "depth_cun": None,
                        }
                    ]
                    visit.amendments.append(
                        Amendment(
                            amended_by_id=practitioner.id,
                            amended_by_name=practitioner.full_name,
                            reason="Forgot KI3",
                            changes=[["Points needled", "BL23, GV4", "BL23, GV4, KI3"]],
                            note_after=note,
                        )
                    )
            db.session.commit()

    return factory


@pytest.mark.parametrize("role", ["practitioner", "front_desk"])
def test_chart_queries_do_not_grow_with_the_number_of_visits(
    app, client, login, make_user, make_patient, make_visit_history, role
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patients = {}
    for visits in (1, 200):
        patients[visits] = make_patient()
        make_visit_history(patients[visits], practitioner, visits=visits)
    login(role)
    counts = {}
    for visits, patient in patients.items():
        url = f"/patients/{patient.id}"
        client.get(url)  # warms caches (templates, the body-map figure) outside the count
        with counting_queries(app) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts[visits] = len(statements)
    assert counts[1] == counts[200], counts


@pytest.mark.parametrize("role", ["practitioner", "front_desk"])
@pytest.mark.parametrize("page", [1, 2])
def test_visit_list_queries_do_not_grow_with_the_number_of_visits(
    app, client, login, make_user, make_patient, make_visit_history, page, role
):
    practitioner = make_user(role="practitioner")
    few, many = make_patient(), make_patient()
    make_visit_history(few, practitioner, visits=VISITS_PER_PAGE + 1)
    make_visit_history(many, practitioner, visits=200)
    login(role)
    counts = []
    for patient in (few, many):
        url = f"/patients/{patient.id}/visits?page={page}"
        client.get(url)
        with counting_queries(app) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_chart_shows_the_latest_visits_and_links_to_all_of_them(
    client, login, make_user, make_patient, make_visit_history
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient()
    make_visit_history(patient, practitioner, visits=45)
    login("practitioner")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    section = chart[chart.index('id="visits-heading"') :]
    assert section.count('data-label="Date"') == CHART_VISITS
    assert f"The latest {CHART_VISITS} of 45 visits." in section
    assert f'href="/patients/{patient.id}/visits">All 45 visits</a>' in section
    # The newest visit comes first: its pain has come down from 8 to 3 over the visits.
    first_line = section[section.index("<tbody>") : section.index("</tr>", section.index("<tbody>"))]
    assert "Lower back, left 3 → 0" in first_line and "BL23 GV4" in first_line


def test_a_chart_with_few_visits_has_no_link_to_more(
    client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=3)
    login("practitioner")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert chart.count('data-label="Points"') == 3
    assert "All 3 visits" not in chart


def test_the_visit_list_pages_through_every_visit_newest_first(
    client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=VISITS_PER_PAGE + 5)
    login("practitioner")
    first = client.get(f"/patients/{patient.id}/visits").get_data(as_text=True)
    assert first.count('data-label="Points"') == VISITS_PER_PAGE
    assert "Page 1 of 2" in first and f"/patients/{patient.id}/visits?page=2" in first
    second = client.get(f"/patients/{patient.id}/visits?page=2").get_data(as_text=True)
    assert second.count('data-label="Points"') == 5
    # The oldest visit is last, before its pain came down.
    assert second.rindex("Lower back, left 8 → 5") > second.rindex('data-label="Points"')
    beyond = client.get(f"/patients/{patient.id}/visits?page=9")
    assert beyond.status_code == 200 and "There is no page 9." in beyond.get_data(as_text=True)


def test_amended_points_show_on_the_timeline(client, login, make_user, make_patient, make_visit_history):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=10)
    login("practitioner")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert chart.count("BL23 GV4 KI3") == 1 and chart.count("Signed, amended") == 1
    assert chart.count("BL23 GV4<") == 9


def test_front_desk_sees_dates_and_practitioners_but_no_clinical_content_in_the_list(
    client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner", full_name="Mei Chen"), visits=3)
    login("front_desk")
    page = client.get(f"/patients/{patient.id}/visits").get_data(as_text=True)
    assert page.count("Mei Chen") >= 3
    for clinical in ("BL23", "Lower back", "Pain before", "Signed</a>", "Points"):
        assert clinical not in page


def test_the_visit_list_is_audited_and_404s_for_an_unknown_patient(client, login, make_patient, audit_events):
    patient = make_patient()
    login("admin")
    assert client.get(f"/patients/{patient.id}/visits").status_code == 200
    (event_,) = audit_events(action="view", record_type="visit_list")
    assert event_.patient_id == patient.id
    assert client.get("/patients/999999/visits").status_code == 404


@pytest.mark.parametrize("role", ["practitioner", "front_desk"])
def test_the_visit_lines_never_read_the_text_of_the_notes(
    app, client, login, make_user, make_patient, make_visit_history, role
):
    """A line shows the date, practitioner, points, regions and pain: the notes' words stay unread."""
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=3)
    login(role)
    for url in (f"/patients/{patient.id}", f"/patients/{patient.id}/visits"):
        client.get(url)
        with counting_queries(app) as statements:
            assert client.get(url).status_code == 200
        visit_lines = [statement for statement in statements if "visit.visit_at" in statement]
        assert visit_lines, url
        assert not any("visit.patient_report" in statement for statement in statements), url


@pytest.mark.parametrize("role", ["practitioner", "front_desk"])
def test_each_role_reads_the_practitioner_as_signed_and_whether_the_note_is_signed(
    app, client, login, make_user, make_patient, make_visit_history, role
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient()
    make_visit_history(patient, practitioner, visits=2)
    with app.app_context():
        draft = Visit(patient_id=patient.id, practitioner_id=practitioner.id, visit_at=utcnow())
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
    login(role)
    for url in (f"/patients/{patient.id}", f"/patients/{patient.id}/visits"):
        page = client.get(url).get_data(as_text=True)
        lines = page[page.index("<tbody>", page.index("visit-timeline__table")) :]
        lines = lines[: lines.index("</tbody>")]
        assert lines.count("Mei Chen, R.Ac") == 3, url
        if role == "practitioner":
            # The newest line is today's draft, linked to its note; the two before it are signed.
            first = lines[: lines.index("</tr>")]
            assert f"/patients/{patient.id}/visits/{draft_id}" in first and "Draft — not signed" in first
            assert lines.count("Draft — not signed") == 1 and lines.count(">Signed<") == 2
        else:
            assert "Signed" not in lines and "Draft" not in lines and "href" not in lines


def test_an_amendment_that_corrects_the_visit_time_moves_the_line_s_date(
    app, client, login, make_user, make_patient
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient()
    treated_at = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)  # 10:00 AM in Edmonton
    corrected = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)  # 11:30 AM
    with app.app_context():
        visit = Visit(
            patient_id=patient.id,
            practitioner_id=practitioner.id,
            visit_at=treated_at,
            signed_at=treated_at,
            signed_by_id=practitioner.id,
            signed_name=practitioner.full_name,
        )
        db.session.add(visit)
        db.session.flush()
        note = read_note(visit)
        note["visit_at"] = corrected.isoformat()
        visit.amendments.append(
            Amendment(
                amended_by_id=practitioner.id,
                amended_by_name=practitioner.full_name,
                reason="Wrong time",
                changes=[["Visit date and time", "10:00 AM", "11:30 AM"]],
                note_after=note,
            )
        )
        db.session.commit()
    login("practitioner")
    for url in (f"/patients/{patient.id}", f"/patients/{patient.id}/visits"):
        page = client.get(url).get_data(as_text=True)
        assert "Mar 4, 2025 11:30 AM" in page and "Mar 4, 2025 10:00 AM" not in page, url
        assert "Signed, amended" in page, url


def test_the_last_page_of_the_visit_list_has_no_next_page(
    client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=2 * VISITS_PER_PAGE)
    login("front_desk")
    first = client.get(f"/patients/{patient.id}/visits").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first and "Previous page" not in first
    last = client.get(f"/patients/{patient.id}/visits?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in last and "Previous page" in last and "Next page" not in last
    assert last.count('data-label="Practitioner"') == VISITS_PER_PAGE


def test_every_line_opens_its_own_note_on_the_chart_and_the_list(
    app, client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=12)
    with app.app_context():
        visit_ids = db.session.scalars(
            db.select(Visit.id).where(Visit.patient_id == patient.id).order_by(Visit.visit_at.desc())
        ).all()
    login("practitioner")
    for url in (f"/patients/{patient.id}", f"/patients/{patient.id}/visits"):
        page = client.get(url).get_data(as_text=True)
        lines = page[page.index("<tbody>", page.index("visit-timeline__table")) : page.index("</tbody>")]
        links = [int(href) for href in re.findall(rf'href="/patients/{patient.id}/visits/(\d+)"', lines)]
        assert links == visit_ids, url
        assert client.get(f"/patients/{patient.id}/visits/{links[-1]}").status_code == 200


def test_a_page_past_the_last_still_says_how_many_visits_there_are(
    client, login, make_user, make_patient, make_visit_history
):
    patient = make_patient()
    make_visit_history(patient, make_user(role="practitioner"), visits=3)
    login("front_desk")
    beyond = client.get(f"/patients/{patient.id}/visits?page=4").get_data(as_text=True)
    assert "3 visits, newest first" in beyond and "There is no page 4." in beyond
    nobody = make_patient()
    first = client.get(f"/patients/{nobody.id}/visits").get_data(as_text=True)
    assert "0 visits, newest first" in first and "No visits yet." in first
