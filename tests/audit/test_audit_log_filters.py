"""The audit log's filters keep what was chosen, say what is wrong beside the filter, and each row's chart filters."""

import re
from html import unescape

from intake.audit.models import ACTION_LABELS


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no drop-down named {name}"
    return match.group(0)


def _selected_values(select_html: str) -> list[str]:
    return re.findall(r'<option selected value="([^"]*)"', select_html)


def test_each_drop_down_has_its_label_every_choice_and_keeps_the_one_chosen(client, login, make_user):
    login("admin")
    colleague = make_user(role="practitioner", full_name="Mei Chen")
    html = client.get(
        "/audit/", query_string={"user_id": colleague.id, "action": "sign", "order": "oldest"}
    ).get_data(as_text=True)

    for name, label in (("user_id", "Staff member"), ("action", "Action"), ("order", "Order")):
        assert f'<label class="field__label" for="{name}">{label}</label>' in html
    action = _select(html, "action")
    assert _selected_values(action) == ["sign"]
    assert len(re.findall(r"<option ", action)) == len(ACTION_LABELS) + 1
    assert all(f">{label}</option>" in unescape(action) for label in ACTION_LABELS.values())
    users = _select(html, "user_id")
    assert _selected_values(users) == [str(colleague.id)]
    assert ">Mei Chen</option>" in users and '<option value="">Anyone</option>' in users
    assert _selected_values(_select(html, "order")) == ["oldest"]


def test_no_filter_chosen_selects_anyone_any_action_and_newest_first(client, login):
    login("admin")
    html = client.get("/audit/").get_data(as_text=True)
    assert _selected_values(_select(html, "user_id")) == [""]
    assert _selected_values(_select(html, "action")) == [""]
    assert _selected_values(_select(html, "order")) == ["newest"]


def test_a_choice_not_on_the_list_is_refused_beside_its_drop_down_keeping_the_others(client, login):
    login("admin")
    response = client.get("/audit/", query_string={"action": "drop_table", "order": "oldest"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    action = _select(html, "action")
    assert 'aria-invalid="true"' in action and 'aria-describedby="action-error"' in action
    assert re.search(r'<p class="field__error" id="action-error">[^<]+</p>', html)
    assert 'aria-invalid="true"' not in _select(html, "order")
    assert _selected_values(_select(html, "order")) == ["oldest"]


def test_a_rows_chart_number_opens_the_log_of_that_chart(client, login, make_patient):
    login("admin")
    patient = make_patient(last_name="Okafor")
    other = make_patient(last_name="Bergstrom")
    client.get(f"/patients/{patient.id}")
    client.get(f"/patients/{other.id}")
    html = client.get("/audit/").get_data(as_text=True)
    link = f'href="/audit/?chart_number={patient.chart_number}"'
    assert link in html
    filtered = client.get(f"/audit/?chart_number={patient.chart_number}").get_data(as_text=True)
    assert "Okafor" in filtered and other.chart_number not in filtered


def test_one_event_beyond_the_cap_says_more_than_and_a_filter_within_it_counts_exactly(app, client, login):
    from intake.audit.operations import record_event
    from intake.extensions import db

    app.config["AUDIT_COUNT_CAP"] = 11
    login("admin")
    with app.app_context():
        for n in range(12):
            record_event("view", detail=f"event number {n:02d}")
        record_event("export", detail="one export")
        db.session.commit()
    html = client.get("/audit/", query_string={"action": "view"}).get_data(as_text=True)
    assert "More than 11 events match these filters." in html
    html = client.get("/audit/", query_string={"action": "export"}).get_data(as_text=True)
    assert "1 event matches these filters." in html
    html = client.get("/audit/", query_string={"action": "sign"}).get_data(as_text=True)
    assert "0 events match these filters." in html and "No events match these filters." in html


def test_the_whole_log_unfiltered_is_counted_up_to_the_cap(app, client, login):
    from intake.audit.operations import record_event
    from intake.extensions import db

    login("admin")
    with app.app_context():
        for n in range(12):
            record_event("view", detail=f"event number {n:02d}")
        db.session.commit()
        every = db.session.scalar(db.text("SELECT count(*) FROM audit_event"))
    html = client.get("/audit/").get_data(as_text=True)
    assert f'<p class="audit-count">{every} events.</p>' in html
    app.config["AUDIT_COUNT_CAP"] = every - 1
    html = client.get("/audit/").get_data(as_text=True)
    assert f'<p class="audit-count">More than {every - 1:,} events.</p>' in html
