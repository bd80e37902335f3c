"""The chart page is laid out around the role's next action: a header with the alerts in one line, the main
actions at the top, and an index of the chart's parts."""

import re

from intake.patients.chart import ACTIONS, BODY, HEADER, ChartSection, chart_parts


def _main_actions(html: str) -> str:
    return html.split('aria-label="Main actions"', 1)[1].split('aria-label="Parts of this chart"', 1)[0]


def _index(html: str) -> list[tuple[str, str]]:
    nav = html.split('aria-label="Parts of this chart"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', nav)


def test_a_practitioner_starts_a_visit_note_and_records_a_check_in_from_the_top(client, login, make_patient):
    login("practitioner")
    patient = make_patient()
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    actions = _main_actions(html)
    assert f'action="/patients/{patient.id}/visits"' in actions and "Start a visit note</button>" in actions
    assert f'href="/patients/{patient.id}/pain/check-in"' in actions and "Record a check-in" in actions
    assert html.count("Start a visit note") == 1  # one way to start a note, at the top
    # Editing details is front desk's; the practitioner finds it under More, with archive.
    more = actions.split('<details class="more-actions">', 1)[1]
    assert "Edit details" in more and "Archive patient…" in more


def test_a_practitioner_continues_todays_own_draft_instead_of_starting_another(
    client, login, make_patient, make_user, make_visit
):
    practitioner = login("practitioner")
    colleague = make_user(role="practitioner")
    patient = make_patient()
    make_visit(patient, colleague)  # a colleague's draft is theirs to continue
    make_visit(patient, practitioner, signed=True)  # a signed note is done
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Start a visit note</button>" in _main_actions(html)
    draft = make_visit(patient, practitioner)
    actions = _main_actions(client.get(f"/patients/{patient.id}").get_data(as_text=True))
    assert f'href="/patients/{patient.id}/visits/{draft.id}/edit"' in actions
    assert "Continue today's visit note" in actions and "Start a visit note" not in actions


def test_front_desk_sends_the_intake_link_and_edits_details_from_the_top(client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    actions = _main_actions(html)
    assert (
        f'action="/patients/{patient.id}/intakes/link"' in actions and "Send intake link</button>" in actions
    )
    assert f'href="/patients/{patient.id}/edit">Edit details</a>' in actions
    assert "Start a visit note" not in html and "Record a check-in" not in html
    assert html.count("Send intake link</button>") == 1


def test_the_index_links_each_part_of_the_chart_the_role_sees(client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    entries = _index(html)
    titles = [title for _anchor, title in entries]
    shown = ["Summary", "Visits", "Pain", "Intakes", "Print and export", "Who has looked"]
    assert [title for title in titles if title in shown] == shown
    for anchor, _title in entries:
        assert f'id="{anchor}"' in html
    assert html.index('id="chart-visits"') < html.index('id="visits-heading"') < html.index('id="chart-pain"')

    client.post("/logout")
    login("front_desk")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    titles = [title for _anchor, title in _index(html)]
    assert [title for title in titles if title in shown] == ["Summary", "Visits", "Who has looked"]


def test_the_header_shows_age_and_chart_number_and_the_alerts_in_one_line(
    client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    header = html.split('<header class="chart-head"', 1)[1].split("</header>", 1)[0]
    assert f"Chart {patient.chart_number}" in header and " years</span>" in header
    assert "Not screened yet: no intake submitted" in header

    make_submitted_intake(patient, saddle_numbness=True, pacemaker=True)
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    header = html.split('<header class="chart-head"', 1)[1].split("</header>", 1)[0]
    line = re.search(r'<details class="chart-alerts chart-alerts--(\w+)">\s*<summary[^>]*>([^<]+)<', header)
    assert line is not None
    assert line.group(1) == "danger" and line.group(2) == "Alerts: 1 red flag (1 not decided), 1 precaution"
    assert (
        'data-alert-code="red_flag_saddle_numbness"' in header
    )  # the banner itself, inside the line that opens


def test_front_desk_reads_that_there_are_alerts_never_their_wording(
    client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient, saddle_numbness=True)
    login("front_desk")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    header = html.split('<header class="chart-head"', 1)[1].split("</header>", 1)[0]
    assert "Alerts for the practitioner: needs a practitioner before treatment" in header
    assert "saddle" not in html.lower() and "red flag" not in html.lower()


def _section(key: str, order: int, **place) -> ChartSection:
    return ChartSection(key, order, f"{key}.html", ("admin",), lambda patient: {}, **place)


def test_sections_say_where_they_sit_and_older_sections_keep_their_place():
    alerts, details = _section("alerts", -5), _section("notes", 5)
    assert alerts.placement == HEADER and details.placement == BODY  # by order, as before places existed
    assert _section("start", 1, place=ACTIONS).placement == ACTIONS
    loaded = [
        (details, {}),
        (_section("a", 10, group="shared", title="Shared part"), {}),
        (_section("b", 11, group="shared"), {}),
        (_section("summary_note", 12, group="summary"), {}),
        (alerts, {}),
    ]
    parts = chart_parts(loaded)
    assert [(p.key, p.title, [s.key for s, _ in p.sections]) for p in parts] == [
        ("summary", "Summary", ["summary_note"]),
        ("notes", "Notes", ["notes"]),
        ("shared", "Shared part", ["a", "b"]),
    ]
    assert parts[2].anchor == "chart-shared"


def test_every_page_title_names_the_page_then_intake_and_the_clinic(app, client, login, make_patient):
    clinic = app.config["CLINIC_NAME"]
    patient = make_patient()
    login("admin")
    for url, page in (
        (f"/patients/{patient.id}", f"Chart {patient.chart_number}"),
        ("/patients/", "Patients"),
        ("/audit/", "Audit log"),
    ):
        html = client.get(url).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert title.replace("&amp;", "&") == f"{page} — Intake · {clinic}", url


def test_pages_link_the_apps_icons_and_the_icons_are_served(client, login):
    login("front_desk")
    html = client.get("/patients/").get_data(as_text=True)
    for href, size in (
        ("/static/img/favicon.svg", None),
        ("/static/img/favicon-32.png", 32),
        ("/static/img/apple-touch-icon.png", 180),
        ("/static/img/icon-192.png", 192),
        ("/static/img/icon-512.png", 512),
    ):
        if href != "/static/img/icon-192.png" and href != "/static/img/icon-512.png":
            assert f'href="{href}"' in html
        icon = client.get(href)
        assert icon.status_code == 200, href
        if size:  # a PNG says its width and height in its header
            data = icon.get_data()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (size, size)
    manifest = client.get("/static/manifest.webmanifest").get_json(force=True)
    assert {icon["src"] for icon in manifest["icons"]} >= {"/static/img/icon-192.png", "/static/img/icon-512.png"}
