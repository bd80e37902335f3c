"""A practitioner's tablet as a separate process: signs in like a browser, then writes for a bounded count.

    python -m tests.reliability.client --base http://127.0.0.1:PORT --email … --password … \
        --patients 1,2 --writes 200 --index 3 --out acks.jsonl [--seconds 300] [--patient-wait 0]

Each cycle of five writes starts a draft visit note, autosaves it twice (each with a text of its own), saves
it with a pain score before treatment, and records a pain check-in for the patient. A write is written to
``--out`` (one JSON line) only once its success answer has arrived: that file is the list of acknowledged
writes the tests then look for in the database. An answer that is not a success (a 500, a refusal, no
answer) is written as a ``failure`` line; the loop goes on (a server being restarted is waited for).
"""

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from benchmarks.client import Answer, BenchHTTPError, Client, csrf_token, forms_of

#: The clinic's zone (config.py's default): check-in times are typed in it.
CLINIC_ZONE = ZoneInfo("America/Edmonton")
#: Regions scored in turn (intake/pain/regions.py codes).
REGIONS = ("neck_front", "shoulder_l", "shoulder_r", "head", "jaw")
#: Fields of the note form that are buttons or choices of the moment, never part of an autosave.
NOT_AUTOSAVED = {"action", "apply_protocol"}


class NotAnswered(Exception):
    """The server gave no answer (not started yet, or killed mid-request)."""


def reached(base: str, seconds: float) -> bool:
    """Wait (bounded) until the login page answers; return whether it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe = Client(base)
            try:
                if probe.get("/login").status == 200:
                    return True
            finally:
                probe.close()
        except OSError:
            pass
        time.sleep(0.1)
    return False


class Tablet:
    """One signed-in session on one server: the note form's fields, the CSRF token, a write's answer."""

    def __init__(self, base: str, email: str, password: str):
        self.base = base
        self.email = email
        self.password = password
        self.client = Client(base)
        self.token = ""

    def call(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Answer:
        try:
            return self.client.request(method, path, data)
        except (OSError, BenchHTTPError) as exc:
            self.client.close()
            self.client = Client(self.base, cookies=self.client.cookies)  # the browser keeps its cookies
            raise NotAnswered(f"{method} {path}: {exc}") from exc

    def sign_in(self, password: str | None = None) -> Answer:
        """POST /login with the login page's CSRF token, like a browser; return the answer."""
        page = self.call("GET", "/login")
        data = [("csrf_token", csrf_token(page.text)), ("email", self.email)]
        answer = self.call("POST", "/login", data + [("password", password or self.password)])
        if answer.status == 302:
            self.token = csrf_token(self.call("GET", urlsplit(answer.headers["location"]).path or "/").text)
        return answer

    def start_draft(self, patient_id: int) -> tuple[int, str]:
        """Start a visit for the patient; return its id and the note form's path."""
        answer = self.call("POST", f"/patients/{patient_id}/visits", [("csrf_token", self.token)])
        location = urlsplit(answer.headers.get("location", "")).path
        if answer.status != 302 or not location.endswith("/edit"):
            raise WriteRefused(answer, f"starting a visit answered {answer.status} → {location or '-'}")
        return int(location.split("/")[-2]), location

    def note_form(self, edit_path: str) -> list[tuple[str, str]]:
        """The note form's fields as a browser would send them (version included, buttons left out)."""
        page = self.call("GET", edit_path)
        if page.status != 200:
            raise WriteRefused(page, f"{edit_path} answered {page.status}")
        note = next((f for f in forms_of(page.text) if ("action", "save") in f["buttons"]), None)
        if note is None:
            raise WriteRefused(page, f"{edit_path} has no note form")
        return [(name, value) for name, value in note["fields"] if name not in NOT_AUTOSAVED]

    def autosave(self, edit_path: str, fields: list[tuple[str, str]], activity: str, version: int) -> Answer:
        """POST the note to its autosave URL as visit-autosave.js does; return the answer (JSON)."""
        data = [(n, v) for n, v in fields if n not in ("activity", "version")]
        data += [("activity", activity), ("version", str(version))]
        return self.call("POST", edit_path.removesuffix("/edit") + "/autosave", data)

    def save_with_pain(
        self, edit_path, fields, activity: str, version: int, region: str, score: int
    ) -> Answer:
        """Press "Save draft" on the note form with a pain score before treatment."""
        data = [(n, v) for n, v in fields if n not in ("activity", "version", f"pain_before-{region}")]
        data += [("activity", activity), ("version", str(version)), (f"pain_before-{region}", str(score))]
        return self.call("POST", edit_path, data + [("action", "save")])

    def check_in(self, patient_id: int, at: datetime, region: str, score: int) -> Answer:
        """Record a pain check-in for the patient at ``at`` (typed in the clinic's time, to the minute)."""
        typed = at.astimezone(CLINIC_ZONE).strftime("%Y-%m-%dT%H:%M")
        data = [("csrf_token", self.token), ("recorded_at", typed), (f"pain-{region}", str(score))]
        return self.call("POST", f"/patients/{patient_id}/pain/check-in", data)


class WriteRefused(Exception):
    def __init__(self, answer: Answer, message: str):
        super().__init__(message)
        self.status = answer.status


def _version_of(fields: list[tuple[str, str]]) -> int:
    return int(dict(fields)["version"])


def run(options) -> int:
    patients = [int(p) for p in options.patients.split(",")]
    out = open(options.out, "a", buffering=1, encoding="utf-8")  # one line per write, flushed at once

    def write(**record) -> None:
        out.write(json.dumps(record) + "\n")

    # Check-ins of this tablet are minutes apart, before those of any other tablet (unique per patient).
    first_check_in = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=1)
    first_check_in -= timedelta(minutes=options.index * 10 * options.writes)
    tablet = Tablet(options.base, options.email, options.password)
    deadline = time.monotonic() + options.seconds
    done = 0
    attempts = 0

    def acknowledged(kind: str, **record) -> None:
        nonlocal done
        done += 1
        write(kind=kind, client=options.index, **record)

    while done < options.writes and attempts < options.writes * 3 and time.monotonic() < deadline:
        attempts += 1
        patient = patients[attempts % len(patients)]
        try:
            if not tablet.token:
                answer = tablet.sign_in()
                if answer.status != 302:
                    write(kind="failure", step="sign-in", status=answer.status)
                    continue
            visit_id, edit_path = tablet.start_draft(patient)
            acknowledged("draft", visit=visit_id, patient=patient)
            fields = tablet.note_form(edit_path)
            version = _version_of(fields)
            for n in range(2):
                if done >= options.writes:
                    break
                text = f"tablet {options.index} write {done} autosave {n}"
                write(kind="attempt", visit=visit_id, text=text)
                answer = tablet.autosave(edit_path, fields, text, version)
                if answer.status != 200 or json.loads(answer.body).get("status") != "saved":
                    raise WriteRefused(answer, f"autosave answered {answer.status}: {answer.text[:200]}")
                version = int(json.loads(answer.body)["version"])
                acknowledged("autosave", visit=visit_id, text=text, version=version)
            if done >= options.writes:
                break
            region, score = REGIONS[done % len(REGIONS)], done % 11
            text = f"tablet {options.index} write {done} saved with pain"
            write(kind="attempt", visit=visit_id, text=text)
            answer = tablet.save_with_pain(edit_path, fields, text, version, region, score)
            if answer.status != 302:
                raise WriteRefused(answer, f"saving the draft answered {answer.status}")
            acknowledged("pain", visit=visit_id, text=text, region=region, score=score)
            if done >= options.writes:
                break
            at = first_check_in + timedelta(minutes=done)
            region, score = REGIONS[done % len(REGIONS)], done % 11
            answer = tablet.check_in(patient, at, region, score)
            if answer.status != 302:
                raise WriteRefused(answer, f"the check-in answered {answer.status}")
            acknowledged("check_in", patient=patient, recorded_at=at.isoformat(), region=region, score=score)
        except WriteRefused as refused:
            write(kind="failure", step=str(refused), status=refused.status)
            if refused.status in (302, 401, 403):
                tablet.token = ""  # signed out (a restarted server keeps sessions; this is a real refusal)
        except NotAnswered as lost:
            write(kind="failure", step=str(lost), status=0)
            if not reached(options.base, options.patient_wait or 0.1):
                time.sleep(0.05)
    out.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--patients", required=True, help="comma-separated patient ids")
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--index", type=int, default=0, help="this tablet's number (check-in times)")
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--seconds", type=float, default=300.0, help="stop after this long whatever the count"
    )
    parser.add_argument(
        "--patient-wait", type=float, default=0.0, help="wait this long for a restarted server"
    )
    options = parser.parse_args(argv)
    if not 0 < options.writes <= 10_000 or not 0 < options.seconds <= 3600:
        parser.error("--writes must be in 1..10000 and --seconds in (0, 3600]")
    if urlsplit(options.base).hostname != "127.0.0.1":
        parser.error("tablets talk to 127.0.0.1 only")
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
