"""Seals on signed notes: the sign and amend events carry a keyed hash of the note, checked by audit-verify.

The audit trail cannot be rewritten without the audit key, so a hash it carries pins the note as it was
signed (``read_note``: the signed original, which amendments never change) and as each amendment left it
(``note_after``). An ``UPDATE visit …`` made behind the app's back then no longer matches its seal.
"""

import re
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy.orm import selectinload

from intake.audit import models as audit
from intake.audit.chain import content_seal
from intake.extensions import db
from intake.visits.models import Visit
from intake.visits.note_record import read_note

SEAL_IN_DETAIL = re.compile(r"note sealed ([0-9a-f]{64})")
AMENDMENT_IN_DETAIL = re.compile(r"^amendment (\d+)")


def seal_detail(note: dict) -> str:
    """Return the audit detail that seals ``note`` ("note sealed <hash>")."""
    return f"note sealed {content_seal(note)}"


def _sealed_events() -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """Return the seal of each visit's sign event, and of each amendment (with its visit) from its amend event."""
    rows = db.session.execute(
        db.select(audit.AuditEvent.action, audit.AuditEvent.record_id, audit.AuditEvent.detail)
        .where(
            audit.AuditEvent.record_type == "visit",
            audit.AuditEvent.action.in_((audit.SIGN, audit.AMEND)),
        )
        .order_by(audit.AuditEvent.id)
    )
    signed: dict[int, str] = {}
    amended: dict[int, tuple[int, str]] = {}
    for action, visit_id, detail in rows:
        seal = SEAL_IN_DETAIL.search(detail or "")
        if seal is None or visit_id is None:
            continue  # signed before notes were sealed: nothing to compare with
        if action == audit.SIGN:
            signed[visit_id] = seal.group(1)
        elif (amendment := AMENDMENT_IN_DETAIL.match(detail)) is not None:
            amended[int(amendment.group(1))] = (visit_id, seal.group(1))
    return signed, amended


#: Visits checked per query: below every database's limit on bound parameters, and little memory at a time.
VISITS_PER_CHECK = 500


def signed_note_problems() -> Iterator[str]:
    """Yield one line per signed note (or amendment) that no longer matches the seal its event recorded."""
    signed, amended = _sealed_events()
    amended_by_visit: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for amendment_id, (visit_id, seal) in amended.items():
        amended_by_visit[visit_id].append((amendment_id, seal))
    visit_ids = sorted(set(signed) | set(amended_by_visit))
    for start in range(0, len(visit_ids), VISITS_PER_CHECK):
        chunk = visit_ids[start : start + VISITS_PER_CHECK]
        # The session's identity map holds loaded visits weakly: each chunk is freed once checked.
        visits = {visit.id: visit for visit in _visits_with_their_notes(chunk)}
        for visit_id in chunk:
            yield from _visit_problems(visit_id, visits.get(visit_id), signed.get(visit_id), amended_by_visit)


def _visits_with_their_notes(visit_ids: list[int]) -> list[Visit]:
    return list(
        db.session.scalars(
            db.select(Visit)
            .where(Visit.id.in_(visit_ids))
            .options(
                selectinload(Visit.points),
                selectinload(Visit.electro_pairs),
                selectinload(Visit.overrides),
                selectinload(Visit.amendments),
            )
        )
    )


def _visit_problems(
    visit_id: int, visit: Visit | None, seal: str | None, amended_by_visit: dict[int, list[tuple[int, str]]]
) -> Iterator[str]:
    if seal is not None:
        if visit is None or not visit.is_signed:
            yield f"visit #{visit_id} was signed (its sign event is on the trail) but is now missing or unsigned"
        elif content_seal(read_note(visit)) != seal:
            yield f"visit #{visit_id}: the signed note no longer matches the seal its sign event recorded"
    amendments = {amendment.id: amendment for amendment in (visit.amendments if visit else [])}
    for amendment_id, amendment_seal in amended_by_visit.get(visit_id, ()):
        amendment = amendments.get(amendment_id)
        if amendment is None:
            yield f"visit #{visit_id}: amendment {amendment_id} (on the trail) is missing"
        elif content_seal(amendment.note_after) != amendment_seal:
            yield (
                f"visit #{visit_id}: amendment {amendment_id} no longer matches the seal its amend event "
                "recorded"
            )
