"""Two tablets saving the same draft version at the same moment: one wins, the other is told and keeps its text."""

import json
import threading

from tests.reliability.client import Tablet, forms_of
from tests.reliability.clinic import PRACTITIONERS, Clinic, Server, alarms_in

#: Races per test (each from the version the previous race's winner left).
RACES = 10


def _two_tablets(server: Server) -> list[Tablet]:
    email, password = PRACTITIONERS[0]
    tablets = [Tablet(server.base, email, password) for _ in range(2)]
    for tablet in tablets:
        assert tablet.sign_in().status == 302
    return tablets


def _own(fields: list[tuple[str, str]], tablet: Tablet) -> list[tuple[str, str]]:
    """The note form's fields with the tablet's own session's CSRF token."""
    return [(k, tablet.token if k == "csrf_token" else v) for k, v in fields]


def _race(send) -> list:
    """Run ``send(0)`` and ``send(1)`` in two threads released together by a barrier; return both answers."""
    barrier = threading.Barrier(2, timeout=30)
    answers: list = [None, None]

    def one(n: int) -> None:
        barrier.wait()
        answers[n] = send(n)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(answer is not None for answer in answers), "a save got no answer"
    return answers


def test_two_autosaves_of_one_version_one_wins_the_other_gets_the_conflict_with_its_text(
    clinic: Clinic, tmp_path
):
    server = Server(clinic, tmp_path / "gunicorn.log", workers=4).start()
    try:
        tablets = _two_tablets(server)
        visit_id, edit_path = tablets[0].start_draft(clinic.patient_ids[0])
        fields = tablets[0].note_form(edit_path)
        version = int(dict(fields)["version"])
        for race in range(RACES):
            texts = [f"race {race}: tablet {n}'s words" for n in range(2)]

            def autosave(n: int, texts=texts, version=version):
                return tablets[n].autosave(edit_path, _own(fields, tablets[n]), texts[n], version)

            answers = _race(autosave)
            statuses = sorted(answer.status for answer in answers)
            assert statuses == [200, 409], [(a.status, a.text[:300]) for a in answers]
            winner = next(n for n in range(2) if answers[n].status == 200)
            loser = 1 - winner
            won, conflict = json.loads(answers[winner].body), json.loads(answers[loser].body)
            assert won["status"] == "saved"
            assert conflict["status"] == "conflict" and conflict["version"] == won["version"]
            assert ["Activity", texts[winner], texts[loser]] in conflict["changes"]
            version = won["version"]
            assert _stored_activity(clinic, visit_id) == texts[winner]
    finally:
        server.stop()
    assert alarms_in(server.log_text()) == []


def test_two_draft_saves_of_one_version_one_wins_the_other_gets_the_conflict_page_with_its_text(
    clinic: Clinic, tmp_path
):
    server = Server(clinic, tmp_path / "gunicorn.log", workers=4).start()
    try:
        tablets = _two_tablets(server)
        visit_id, edit_path = tablets[0].start_draft(clinic.patient_ids[0])
        for race in range(RACES):
            fields = tablets[0].note_form(edit_path)
            texts = [f"race {race}: typed on tablet {n}" for n in range(2)]

            def save(n: int, fields=fields, texts=texts):
                data = [(k, v) for k, v in _own(fields, tablets[n]) if k != "activity"]
                data += [("activity", texts[n]), ("action", "save")]
                return tablets[n].call("POST", edit_path, data)

            answers = _race(save)
            statuses = sorted(answer.status for answer in answers)
            assert statuses == [302, 409], [(a.status, a.text[:300]) for a in answers]
            winner = next(n for n in range(2) if answers[n].status == 302)
            page = answers[1 - winner].text
            assert 'id="conflict-panel"' in page and "Your typing is kept" in page
            note = next(f for f in forms_of(page) if ("action", "save") in f["buttons"])
            assert dict(note["fields"])["activity"] == texts[1 - winner]
            assert _stored_activity(clinic, visit_id) == texts[winner]
    finally:
        server.stop()
    assert alarms_in(server.log_text()) == []


def _stored_activity(clinic: Clinic, visit_id: int) -> str:
    from intake.visits.models import Visit

    with clinic.reading() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit.activity
