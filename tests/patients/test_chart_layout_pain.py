"""Pain charts and tables people can read: the table lists a visit's 'before' above its 'after', says when it
scrolls sideways, and region charts are drawn with room and labels to read on a tablet."""

import re
from datetime import UTC, datetime

from intake.pain import graphs


def test_the_table_lists_before_treatment_above_after_within_each_visit(
    client, login, make_user, make_patient, make_treatment_history
):
    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(patient, practitioner, visits=3)
    html = client.get(f"/patients/{patient.id}/pain/table").get_data(as_text=True)
    table = html.split('id="occasions-heading"', 1)[1].split("</table>", 1)[0]
    contexts = re.findall(r'<tr class="pain-table__row--(\w+)">', table)
    assert contexts == ["before_treatment", "after_treatment"] * 3  # newest visit first, each in order


def test_the_wide_table_is_a_labelled_keyboard_region_with_a_scroll_hint(
    client, login, make_user, make_patient, make_treatment_history
):
    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(patient, practitioner, visits=2)
    html = client.get(f"/patients/{patient.id}/pain/table").get_data(as_text=True)
    box = re.search(r'<div class="table-scroll table-scroll--cue"([^>]*)>', html).group(1)
    assert 'tabindex="0"' in box and 'role="region"' in box and 'aria-labelledby="occasions-heading"' in box
    assert 'aria-describedby="occasions-scroll-hint"' in box
    assert 'id="occasions-scroll-hint"' in html and "Scroll the table sideways" in html
    assert "/static/js/table-scroll.js" in html


def test_narrow_charts_keep_their_time_labels_apart(app):
    axis = graphs.TimeAxis(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC))
    with app.app_context():
        chart = graphs.line_chart([], axis, y_max=10, summary="", width=480, height=200)
    gaps = [b.position - a.position for a, b in zip(chart.x_ticks, chart.x_ticks[1:], strict=False)]
    assert gaps and min(gaps) >= graphs.X_TICK_ROOM - 1
    assert chart.font_size >= 12


def test_scores_of_unsigned_visit_notes_are_marked_as_drafts(
    app, client, login, make_patient, make_treatment_history
):
    from intake.database import utcnow
    from intake.extensions import db
    from intake.visits.models import Visit

    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(patient, practitioner, visits=3)
    html = client.get(f"/patients/{patient.id}/pain/").get_data(as_text=True)
    assert "Draft: visit note not signed yet" in html
    regions = html.split('id="over-time-heading"', 1)[1]
    assert regions.count("trend-chart__marks--draft") >= 2  # each region's chart rings the draft scores
    table = client.get(f"/patients/{patient.id}/pain/table").get_data(as_text=True)
    assert table.count("draft: note not signed yet") == 6  # before and after of each of the 3 visits

    with app.app_context():
        for visit in db.session.scalars(db.select(Visit).where(Visit.patient_id == patient.id)):
            visit.signed_at, visit.signed_by_id, visit.signed_name = utcnow(), practitioner.id, "Signed"
        db.session.commit()
    html = client.get(f"/patients/{patient.id}/pain/").get_data(as_text=True)
    assert "trend-chart__marks--draft" not in html
    assert "draft: note not signed yet" not in client.get(f"/patients/{patient.id}/pain/table").get_data(
        as_text=True
    )
