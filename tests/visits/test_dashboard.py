"""The practitioner's dashboard: unsigned notes older than a day, and today's visits."""

from datetime import timedelta

from intake.database import utcnow
from tests.conftest import PASSWORD, sign_in


def test_unsigned_drafts_older_than_a_day_are_listed(client, login, make_patient, make_user, make_visit):
    me = login("practitioner")
    late = make_patient(first_name="Olive", last_name="Overdue")
    fresh = make_patient(first_name="Frank", last_name="Fresh")
    signed = make_patient(first_name="Sue", last_name="Signed")
    colleagues = make_patient(first_name="Cole", last_name="Colleague")
    two_days_ago = utcnow() - timedelta(days=2)
    make_visit(late, me, created_at=two_days_ago, visit_at=two_days_ago)
    make_visit(fresh, me)
    make_visit(signed, me, created_at=two_days_ago, visit_at=two_days_ago, signed=True)
    make_visit(colleagues, make_user(role="practitioner"), created_at=two_days_ago, visit_at=two_days_ago)

    page = client.get("/").get_data(as_text=True)
    overdue = page[page.index("Unsigned notes older than a day") : page.index("Today's visits")]
    assert "Overdue, Olive" in overdue
    for name in ("Fresh", "Signed", "Colleague"):
        assert name not in overdue
    today = page[page.index("Today's visits") :]
    assert "Fresh, Frank" in today and "Overdue" not in today


def test_no_overdue_section_when_everything_is_signed(client, login):
    login("practitioner")
    page = client.get("/").get_data(as_text=True)
    assert "Unsigned notes older than a day" not in page
    assert "No visit notes yet today" in page


def test_practitioners_land_on_their_dashboard_after_signing_in(client, make_user):
    practitioner = make_user(role="practitioner")
    response = sign_in(client, practitioner.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Today's visits" in client.get("/").get_data(as_text=True)


def test_front_desk_and_admins_land_on_the_patient_list_after_signing_in(client, make_user):
    for role in ("front_desk", "admin"):
        client.post("/logout")
        response = sign_in(client, make_user(role=role).email)
        assert response.status_code == 302 and response.headers["Location"] == "/patients/", role


def test_a_safe_next_still_wins_over_the_dashboard(client, make_user, make_patient):
    patient = make_patient()
    practitioner = make_user(role="practitioner")
    response = client.post(
        "/login",
        query_string={"next": f"/patients/{patient.id}"},
        data={"email": practitioner.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == f"/patients/{patient.id}"
