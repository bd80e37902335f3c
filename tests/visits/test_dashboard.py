"""The practitioner's dashboard: unsigned notes older than a day, and today's visits."""

from datetime import timedelta

from intake.database import utcnow


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
