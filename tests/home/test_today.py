"""Today: each role's lists of the clinic's day, what each may read on them, and their pages of all rows."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from intake.audit.models import AuditEvent
from intake.clinic_time import clinic_zone
from intake.database import utcnow
from intake.extensions import db
from intake.questionnaire import grants, operations
from intake.questionnaire.models import Intake, IntakeAccess
from tests.conftest import PASSWORD, sign_in

#: Written by the patient into their health history: clinical staff only.
CANARY = "Quetzalfeather-3K"
#: How each red flag below reads to a practitioner.
RED_FLAG_WORDING = ("saddle numbness", "progressive leg weakness")
LIST_PAGES = ("red-flags", "not-reviewed", "links", "tablets", "seen")


def _section(html: str, title: str) -> str:
    """Return the part of the page holding one list (up to the next list)."""
    start = html.index(title)
    end = html.find('<section class="card today-list', start)
    return html[start : end if end != -1 else len(html)]


def _flagged_patient(make_patient, make_submitted_intake, **names):
    patient = make_patient(**names)
    make_submitted_intake(
        patient,
        saddle_numbness=True,
        leg_weakness=True,
        medications=f"{CANARY} tablets",
        conditions=f"{CANARY} condition",
        anticoagulant=True,
        anticoagulant_name=CANARY,
    )
    return patient


def _open_link(app, patient, *, expires_in=timedelta(days=3)):
    with app.app_context():
        intake = operations.start_intake(db.session.get(type(patient), patient.id))
        _raw, grant = grants.issue_link(intake)
        assert grant is not None
        grant.expires_at = utcnow() + expires_in
        db.session.commit()
        return grant.id


def _open_tablet(app, patient):
    with app.app_context():
        intake = operations.start_intake(db.session.get(type(patient), patient.id))
        grants.issue_kiosk_grant(intake)
        db.session.commit()


def _local_midnight_utc() -> datetime:
    zone = clinic_zone()
    start = datetime.combine(utcnow().astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC)


# --- Who lands where, who sees which list ----------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "practitioner", "admin"])
def test_every_role_lands_on_today_after_signing_in(client, make_user, role):
    response = sign_in(client, make_user(role=role).email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Needs attention: red flags to decide" in html and "Patients seen today" in html
    assert ">Today</a>" in html  # in the main navigation for every role


def test_a_safe_next_still_wins_over_today(client, make_user, make_patient):
    patient = make_patient()
    response = client.post(
        "/login",
        query_string={"next": f"/patients/{patient.id}"},
        data={"email": make_user(role="front_desk").email, "password": PASSWORD},
    )
    assert response.headers["Location"] == f"/patients/{patient.id}"


def test_front_desk_has_no_list_of_unsigned_notes(client, login):
    login("front_desk")
    assert "Your unsigned notes" not in client.get("/").get_data(as_text=True)
    assert client.get("/today/drafts").status_code == 403


# --- Red flags: named for clinical roles, "needs a practitioner" for front desk ---------------


@pytest.mark.parametrize("role", ["practitioner", "admin"])
def test_clinical_roles_see_each_red_flag_named_at_the_top(
    app, client, login, make_patient, make_submitted_intake, role
):
    login(role)
    _flagged_patient(make_patient, make_submitted_intake, last_name="Redflag")
    html = client.get("/").get_data(as_text=True)
    first_list = html.index('<section class="card today-list')
    assert html.index("Needs attention: red flags to decide") < html.find("Intakes to review")
    attention = _section(html, "Needs attention: red flags to decide")
    assert html.index("Needs attention") > first_list
    assert "Redflag, " in attention and "(1)" in attention
    for wording in RED_FLAG_WORDING:
        assert wording in attention
    assert CANARY not in html  # Today never shows the answers' words, even to clinical roles
    with app.app_context():
        intake_id = db.session.scalar(db.select(Intake.id))
    assert f"/intakes/{intake_id}" in attention


def test_front_desk_reads_needs_a_practitioner_and_never_the_red_flag_or_medicines(
    client, login, make_patient, make_submitted_intake
):
    login("front_desk")
    _flagged_patient(make_patient, make_submitted_intake, last_name="Redflag")
    html = client.get("/").get_data(as_text=True)
    attention = _section(html, "Needs attention: red flags to decide")
    assert "Redflag, " in attention and "Needs a practitioner" in attention
    pages = [html] + [client.get(f"/today/{slug}").get_data(as_text=True) for slug in LIST_PAGES]
    for page in pages:
        for forbidden in (*RED_FLAG_WORDING, "Red flag:", CANARY, "Anticoagulant", '/intakes/1"'):
            assert forbidden not in page
    assert "Needs a practitioner" in pages[1]  # the red flags' own page says the same


def test_red_flags_are_listed_newest_first_and_a_reviewed_or_calm_intake_is_not(
    app, client, login, make_patient, make_submitted_intake
):
    login("practitioner")
    older = _flagged_patient(make_patient, make_submitted_intake, last_name="Older")
    newer = _flagged_patient(make_patient, make_submitted_intake, last_name="Newer")
    make_submitted_intake(make_patient(last_name="Calm"))
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == older.id))
        intake.submitted_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    attention = _section(client.get("/").get_data(as_text=True), "Needs attention")
    assert attention.index("Newer, ") < attention.index("Older, ") and "Calm" not in attention
    assert newer.id != older.id


# --- Intakes to review, links, tablets -------------------------------------------------------


def test_intakes_to_review_leave_out_the_reviewed_and_the_unsubmitted(
    app, client, login, make_patient, make_submitted_intake, make_intake
):
    me = login("practitioner")
    make_submitted_intake(make_patient(last_name="Waiting"))
    make_submitted_intake(make_patient(last_name="Reviewed"))
    make_intake(make_patient(last_name="Unfinished"))
    with app.app_context():
        reviewed = db.session.scalar(
            db.select(Intake).join(Intake.patient).where(Intake.patient.has(last_name="Reviewed"))
        )
        reviewed.reviewed_at, reviewed.reviewed_by_id = utcnow(), me.id
        db.session.commit()
    to_review = _section(client.get("/").get_data(as_text=True), "Intakes to review")
    assert "Waiting, " in to_review and "(1)" in to_review
    assert "Reviewed, " not in to_review and "Unfinished" not in to_review


def test_links_not_completed_show_the_expiry_and_send_again(
    app, client, login, make_patient, make_submitted_intake
):
    login("front_desk")
    waiting = make_patient(last_name="Linked")
    expired = make_patient(last_name="Lapsed")
    long_gone = make_patient(last_name="Forgotten")
    _open_link(app, waiting)
    _open_link(app, expired, expires_in=timedelta(days=-2))
    _open_link(app, long_gone, expires_in=timedelta(days=-40))
    done = make_patient(last_name="Completed")
    _open_link(app, done)
    make_submitted_intake(done)  # the linked intake, filled and submitted
    links = _section(client.get("/").get_data(as_text=True), "Intake links sent, not completed")
    assert "(2)" in links
    assert links.index("Lapsed, ") < links.index("Linked, ")  # the soonest to run out first
    assert "Expired" in links and "link works until" in links
    assert f'href="/patients/{waiting.id}/intakes/start">Send again' in links
    assert "Forgotten" not in links and "Completed" not in links


def test_a_revoked_link_is_not_listed(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(last_name="Revoked")
    _open_link(app, patient)
    with app.app_context():
        for grant in db.session.scalars(db.select(IntakeAccess)):
            grant.revoked_at = utcnow()
        db.session.commit()
    assert "Revoked" not in _section(client.get("/").get_data(as_text=True), "Intake links sent")


def test_clinic_tablets_with_an_intake_open(app, client, login, make_patient):
    login("front_desk")
    _open_tablet(app, make_patient(last_name="Tablet"))
    tablets = _section(client.get("/").get_data(as_text=True), "Clinic tablets with an intake open")
    assert "Tablet, " in tablets and "open until" in tablets and "(1)" in tablets


# --- The practitioner's own unsigned notes ---------------------------------------------------


def test_own_unsigned_notes_oldest_first_with_their_age(client, login, make_patient, make_user, make_visit):
    me = login("practitioner")
    two_days_ago = utcnow() - timedelta(days=2, minutes=5)
    make_visit(make_patient(last_name="Fresh"), me)
    make_visit(make_patient(last_name="Overdue"), me, created_at=two_days_ago, visit_at=two_days_ago)
    make_visit(make_patient(last_name="Signed"), me, signed=True)
    make_visit(make_patient(last_name="Colleague"), make_user(role="practitioner"))
    drafts = _section(client.get("/").get_data(as_text=True), "Your unsigned notes")
    assert drafts.index("Overdue, ") < drafts.index("Fresh, ")
    assert "started 2 days ago" in drafts and "visit " in drafts and "started under a minute ago" in drafts
    overdue_row = drafts[drafts.index("Overdue, ") : drafts.index("Fresh, ")]
    assert ">Overdue<" in overdue_row and ">Overdue<" not in drafts[drafts.index("Fresh, ") :]
    assert "Signed" not in drafts and "Colleague" not in drafts and "(2)" in drafts


# --- Patients seen today, in the clinic's time zone ------------------------------------------


def test_patients_seen_today_from_visits_and_intakes_in_the_clinics_day(
    app, client, login, make_patient, make_visit, make_submitted_intake, make_user
):
    me = login("front_desk")
    practitioner = make_user(role="practitioner")
    with app.app_context():
        midnight = _local_midnight_utc()
    both = make_patient(last_name="Both")
    make_visit(both, practitioner, visit_at=midnight + timedelta(minutes=1))
    make_submitted_intake(both)
    make_visit(make_patient(last_name="Lastnight"), practitioner, visit_at=midnight - timedelta(minutes=1))
    make_visit(make_patient(last_name="Dawn"), practitioner, visit_at=midnight)
    make_submitted_intake(make_patient(last_name="Intakeonly"))
    seen = _section(client.get("/").get_data(as_text=True), "Patients seen today")
    assert "(3)" in seen and "Lastnight" not in seen
    assert seen.index("Dawn, ") < seen.index("Both, ") < seen.index("Intakeonly, ")
    both_row = seen[seen.index("Both, ") : seen.index("Intakeonly, ")]
    assert ">Visit<" in both_row and ">Intake<" in both_row
    assert me.role == "front_desk"


# --- Counts, caps and the pages of all rows --------------------------------------------------


def test_a_list_shows_ten_and_links_to_all_of_them(client, login, make_patient, make_visit):
    me = login("practitioner")
    for n in range(12):
        make_visit(make_patient(last_name=f"Draft{n:02d}"), me, created_at=utcnow() - timedelta(hours=12 - n))
    drafts = _section(client.get("/").get_data(as_text=True), "Your unsigned notes")
    assert drafts.count('<li class="today-row') == 10 and "(12)" in drafts
    assert 'href="/today/drafts">See all 12' in drafts
    everything = client.get("/today/drafts").get_data(as_text=True)
    assert all(f"Draft{n:02d}, " in everything for n in range(12))


def test_the_page_of_all_rows_goes_on_by_key(app, client, login, make_patient, make_visit):
    me = login("practitioner")
    app.config["TODAY_PAGE_SIZE"] = 5
    start = utcnow() - timedelta(days=1)
    for n in range(12):
        make_visit(make_patient(last_name=f"Note{n:02d}"), me, created_at=start + timedelta(minutes=n))
    seen_names: list[str] = []
    url = "/today/drafts"
    for _page in range(3):
        html = client.get(url).get_data(as_text=True)
        names = re.findall(r">(Note\d\d), ", html)
        seen_names += names
        following = re.search(r'href="(/today/drafts\?after=[^"]+)">Next page', html)
        if following is None:
            break
        url = following.group(1).replace("&amp;", "&")
    assert seen_names == [f"Note{n:02d}" for n in range(12)]
    assert "First page" in html and "Next page" not in html


@pytest.mark.parametrize(
    "junk", ["nonsense", "20261399T250000.000000~1", "99991231T235959.999999~" + "9" * 30]
)
def test_a_junk_page_key_shows_the_first_page(client, login, make_patient, make_visit, junk):
    me = login("practitioner")
    make_visit(make_patient(last_name="Only"), me)
    response = client.get("/today/drafts", query_string={"after": junk})
    assert response.status_code == 200 and "Only, " in response.get_data(as_text=True)


def test_counts_stop_at_the_cap(app, client, login, make_patient, make_visit):
    me = login("practitioner")
    app.config["TODAY_COUNT_CAP"] = 3
    for n in range(5):
        make_visit(make_patient(last_name=f"Capped{n}"), me)
    drafts = _section(client.get("/").get_data(as_text=True), "Your unsigned notes")
    assert "(more than 3)" in drafts and "See all more than 3" in drafts


# --- Audit -----------------------------------------------------------------------------------


def test_looking_at_today_is_audited_with_the_intakes_whose_red_flags_were_named(
    app, client, login, make_patient, make_submitted_intake
):
    login("practitioner")
    _flagged_patient(make_patient, make_submitted_intake)
    client.get("/")
    client.get("/today/red-flags")
    with app.app_context():
        intake_id = db.session.scalar(db.select(Intake.id))
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.record_type == "today").order_by(AuditEvent.id)
        ).all()
    assert [event.action for event in events] == ["view", "view"]
    assert all(f"red flags named for intakes {intake_id}" in event.detail for event in events)
    assert events[1].detail.startswith("Needs attention")


def _decide(app, patient, flag_code, practitioner):
    from intake.auth.models import User
    from intake.questionnaire.operations import decide_red_flag

    with app.app_context():
        intake = db.session.scalar(
            db.select(Intake).where(Intake.patient_id == patient.id).order_by(Intake.id.desc()).limit(1)
        )
        decision = {"flag_code": flag_code, "kind": "cleared", "reason": "Examined: sensation intact."}
        decide_red_flag(intake, decision, by=db.session.get(User, practitioner.id))
        db.session.commit()


def test_a_decided_red_flag_leaves_the_list_and_the_rest_stay_named(
    app, client, login, make_patient, make_submitted_intake
):
    me = login("practitioner")
    patient = _flagged_patient(make_patient, make_submitted_intake, last_name="Decided")
    _decide(app, patient, "red_flag_saddle_numbness", me)
    attention = _section(client.get("/").get_data(as_text=True), "Needs attention")
    assert "Decided, " in attention and "progressive leg weakness" in attention
    assert "saddle numbness" not in attention
    _decide(app, patient, "red_flag_leg_weakness", me)
    attention = _section(client.get("/").get_data(as_text=True), "Needs attention")
    assert "Decided, " not in attention and "(0)" in attention


def test_marking_an_intake_reviewed_does_not_decide_its_red_flags(
    app, client, login, make_patient, make_submitted_intake
):
    me = login("practitioner")
    _flagged_patient(make_patient, make_submitted_intake, last_name="Reviewedonly")
    with app.app_context():
        intake = db.session.scalar(db.select(Intake))
        intake.reviewed_at, intake.reviewed_by_id = utcnow(), me.id
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Reviewedonly, " in _section(html, "Needs attention")
    assert "Reviewedonly, " not in _section(html, "Intakes to review")
