"""The access matrix: every route × every kind of visitor × another patient's records.

Built from ``app.url_map``, so a new route is checked the day it is added (and a route taking
an id this file does not know fails here until someone says which record it names). For
each visitor — anonymous, a patient holding another patient's intake link or clinic-tablet
grant, front desk, practitioner, administrator, and a staff member deactivated mid-session —
every method of every route is requested with patient B's real ids, and where a route takes
a patient and a record, once more with B's record under patient A's URL. Each answer must
match the policy derived from the route's declared roles, and B's canary strings must not be
in any answer that may not show them. Every GET must leave every table as it was, except for
the audit rows (and throttle counts) it adds by design.
"""

import io
import zipfile
from dataclasses import dataclass

import pytest
from flask import Flask
from pypdf import PdfReader

from intake.auth.access import endpoint_access
from intake.auth.models import User
from intake.auth.roles import CLINICAL
from intake.extensions import db
from intake.questionnaire.patient_views import KIOSK_SESSION_KEY
from tests.conftest import sign_in
from tests.fixtures.security import (
    CLINICAL_CANARY,
    NAME_CANARY,
    SESSION_ENDING,
    OtherPatientWorld,
    audit_row_count,
    table_fingerprints,
    url_values,
)

ACTORS = ("anonymous", "patient_link", "patient_kiosk", "front_desk", "practitioner", "admin", "deactivated")
STAFF_ACTORS = {"front_desk", "practitioner", "admin"}
#: Visitors without a staff session: every staff page sends them to sign in.
SIGNED_OUT_ACTORS = {"anonymous", "patient_link", "patient_kiosk", "deactivated"}
#: What an allowed request may answer: a page, a redirect (post/redirect/get), a conflict or a refused form.
ALLOWED = {200, 302, 409, 422}
#: Route arguments naming one of a patient's records: also tried under another patient's URL.
PATIENT_RECORD_ARGS = {"intake_id", "visit_id", "amendment_id", "episode_id"}
#: Routes whose record belongs to one staff member: anyone else is told it does not exist.
OWNED_RECORDS = {"visits.archive_protocol"}


@dataclass(frozen=True)
class Cell:
    endpoint: str
    method: str
    url: str
    access: object  # "public" or a tuple of roles
    cross_patient: bool = False

    def __str__(self) -> str:
        return (
            f"{self.method} {self.url} ({self.endpoint}{', B record under A' if self.cross_patient else ''})"
        )


def matrix_cells(app: Flask, world: OtherPatientWorld) -> list[Cell]:
    """Every (route, method), GETs first and session-ending routes last."""
    values = url_values(world)
    cells = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            unknown = rule.arguments - values.keys()
            if unknown:
                pytest.fail(f"{rule.rule}: say which record {sorted(unknown)} names in url_values()")
            access = endpoint_access(rule.endpoint)
            url = rule.build(values, append_unknown=False)[1]
            cross = None
            if "patient_id" in rule.arguments and rule.arguments & PATIENT_RECORD_ARGS:
                cross = rule.build({**values, "patient_id": world.patient_a_id}, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                cells.append(Cell(rule.endpoint, method, url, access))
                if cross:
                    cells.append(Cell(rule.endpoint, method, cross, access, cross_patient=True))
    return sorted(cells, key=lambda c: (c.endpoint in SESSION_ENDING, c.method != "GET", c.endpoint, c.url))


def expected_statuses(actor: str, cell: Cell, role: str | None) -> set[int]:
    """The policy: public pages guard themselves; the rest go by sign-in, role, and whose record it is."""
    if cell.access == "public":
        return ALLOWED
    if actor in SIGNED_OUT_ACTORS:
        return {302}  # to the sign-in page (checked below)
    if cell.access is None or role not in cell.access:
        return {403}  # a view that declares no roles is closed
    if cell.cross_patient or cell.endpoint in OWNED_RECORDS:
        return {404}
    return ALLOWED


def canaries_forbidden(actor: str, cell: Cell, role: str | None) -> tuple[str, ...]:
    """Which of B's canaries this answer must not contain."""
    allowed_page = (
        actor in STAFF_ACTORS and cell.access != "public" and expected_statuses(actor, cell, role) == ALLOWED
    )
    if not allowed_page:
        return (NAME_CANARY, CLINICAL_CANARY)
    if role not in CLINICAL:
        return (CLINICAL_CANARY,)  # front desk: the chart, never clinical content
    return ()


def visitor(app: Flask, world: OtherPatientWorld, actor: str):
    """Return a test client acting as ``actor`` and that actor's staff role (None for non-staff)."""
    client = app.test_client()
    if actor in STAFF_ACTORS:
        assert sign_in(client, world.email(actor)).status_code == 302
        return client, actor
    if actor == "patient_kiosk":
        with client.session_transaction() as session:
            session[KIOSK_SESSION_KEY] = world.a_kiosk_token
    if actor == "deactivated":
        assert sign_in(client, world.email("deactivated")).status_code == 302
        with app.app_context():
            # Only the flag (set_active would also bump the session version): deactivation alone must suffice.
            db.session.get(User, world.user_id("deactivated")).is_active_account = False
            db.session.commit()
    return client, None


def forget_messages(client) -> None:
    """Drop flashed messages, so a page shows only what its own request says (each cell stands alone)."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def still_signed_in(client) -> bool:
    response = client.get("/session/status")
    return response.status_code == 200 and response.get_json().get("signed_in") is True


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def answer_text(response) -> str:
    """Return the answer as its reader sees it: a PDF's text, each file of a ZIP so read, else the body as text."""
    if response.mimetype == "application/pdf":
        return pdf_text(response.data)
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return " ".join(
                pdf_text(data) if name.endswith(".pdf") else data.decode("utf-8")
                for name, data in ((name, archive.read(name)) for name in archive.namelist())
            )
    return response.get_data(as_text=True)


def run_matrix(app: Flask, world: OtherPatientWorld, actor: str) -> tuple[list[str], dict[str, int]]:
    """Request every cell as ``actor``; return the problems found and how many answers held each canary."""
    client, role = visitor(app, world, actor)
    problems, canaries_seen = [], {NAME_CANARY: 0, CLINICAL_CANARY: 0}
    before = None
    session_checked = False
    for cell in matrix_cells(app, world):
        if cell.endpoint in SESSION_ENDING and actor in STAFF_ACTORS and not session_checked:
            assert still_signed_in(client), "the staff session ended before the last routes were tried"
            session_checked = True
        is_get = cell.method == "GET"
        if is_get:
            before = before or (table_fingerprints(app), audit_row_count(app))
        forget_messages(client)
        response = client.open(cell.url, method=cell.method)
        status, body = response.status_code, answer_text(response)

        expected = expected_statuses(actor, cell, role)
        if status not in expected:
            problems.append(f"{cell}: answered {status}, expected {sorted(expected)}")
        elif expected == {302} and not response.headers["Location"].startswith("/login"):
            problems.append(f"{cell}: redirected to {response.headers['Location']}, not the sign-in page")
        for canary in canaries_forbidden(actor, cell, role):
            if canary in body:
                problems.append(f"{cell}: answered {status} showing patient B's {canary!r}")
        for canary in canaries_seen:
            canaries_seen[canary] += canary in body

        if is_get:
            after = (table_fingerprints(app), audit_row_count(app))
            changed = [name for name, print_ in after[0].items() if before[0].get(name) != print_]
            if changed:
                problems.append(f"{cell}: a GET changed {changed}")
            if after[1] < before[1]:
                problems.append(f"{cell}: audit rows disappeared")
            before = after
        else:
            before = None
    return problems, canaries_seen


@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_answers_each_visitor_by_policy_and_never_leaks_another_patients_record(
    app, other_patient_world, actor
):
    problems, canaries_seen = run_matrix(app, other_patient_world, actor)
    assert problems == [], "\n".join(problems)
    # The canaries are really there for those who may see them, so their absence above means something.
    if actor in ("practitioner", "admin"):
        assert canaries_seen[CLINICAL_CANARY] > 0
    if actor in STAFF_ACTORS:
        assert canaries_seen[NAME_CANARY] > 0


def test_the_matrix_covers_every_route_and_a_cross_patient_variant(app, other_patient_world):
    cells = matrix_cells(app, other_patient_world)
    endpoints = {cell.endpoint for cell in cells}
    assert endpoints == {rule.endpoint for rule in app.url_map.iter_rules()}
    crossed = {cell.endpoint for cell in cells if cell.cross_patient}
    assert {"intake.show", "intake.cancel", "visits.show", "visits.edit", "visits.autosave"} <= crossed
