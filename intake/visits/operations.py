"""The clinic's rules for visit notes: drafts and versions, safety overrides, signing, amendments, protocols.

Views parse the form into a note dict (see ``intake.visits.note_record``) and call these; each
function changes the session only when every rule passes, and records its own audit event with
the change (the caller commits once), so a signed or amended note is always on the trail.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import selectinload

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.roles import PRACTITIONER
from intake.clinic_time import clinic_zone, to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.refused import Refused
from intake.visits.check_in import prefill_note, visit_prefill
from intake.visits.display import describe_changes
from intake.visits.models import ACUPUNCTURE, Amendment, PointProtocol, ProtocolPoint, Visit
from intake.visits.note_fields import REPEATED_FROM_LAST_VISIT
from intake.visits.note_record import effective_note, read_note, write_amended_pain, write_note
from intake.visits.note_seal import seal_detail
from intake.visits.safety import missing_overrides, undecided_red_flag_problems
from intake.visits.vocabulary import NO_REACTION

DRAFT_OVERDUE_AFTER = timedelta(days=1)
#: A tablet's clock may run a little ahead of the server's.
CLOCK_TOLERANCE = timedelta(minutes=5)


FOREIGN_PROTOCOL = "That protocol is not one of yours: apply one from your own list."


class NoteLocked(Exception):
    """The note is signed: it is never edited, only amended."""


class NotYourNote(Exception):
    """Only the visit's own practitioner writes, signs or amends its note."""


class StaleNote(Exception):
    """Someone saved this draft since it was opened here; nothing was saved."""

    def __init__(self, visit: Visit, current_note: dict, *, yours: dict):
        super().__init__(f"visit {visit.id} is at version {visit.version}")
        self.version = visit.version
        self.current_note = current_note
        self.yours = yours
        self.updated_at = visit.updated_at


def may_write(visit: Visit, user) -> bool:
    """True when ``user`` is the practitioner who saw the patient on this visit."""
    return user.role == PRACTITIONER and user.id == visit.practitioner_id


class PatientArchived(Refused):
    """An archived patient gets no new visit until staff restore the chart."""

    def __init__(self, patient):
        super().__init__(
            f"{patient.spoken_name}'s chart is archived; restore the patient before starting a visit note."
        )


class ProtocolNotFound(LookupError):
    """The protocol asked for is not one of the user's (or is no longer in use): the page answers 404."""


def _record(action: str, visit: Visit, user, detail: str = "") -> None:
    record_event(
        action, patient=visit.patient, record_type="visit", record_id=visit.id, user=user, detail=detail
    )


def _record_protocol(action: str, protocol: PointProtocol, user, detail: str = "") -> None:
    record_event(action, record_type="protocol", record_id=protocol.id, user=user, detail=detail)


def start_visit(patient, practitioner) -> Visit:
    """Open a draft note for ``patient`` seen by ``practitioner`` now.

    When the patient filled a check-in this clinic day, the note's blank "pain before" and subjective fields
    start from it (``intake.visits.check_in``); the create event says which.
    """
    if patient.is_archived:
        raise PatientArchived(patient)
    # The form shows the minute; the stored moment keeps the rest, so a visit started just after an
    # intake was submitted sorts after it (and the intake's scores stay the baseline).
    visit_at = utcnow()
    visit = Visit(patient_id=patient.id, practitioner_id=practitioner.id, visit_at=visit_at)
    db.session.add(visit)
    db.session.flush()
    detail = ""
    prefill = visit_prefill(patient.id, to_clinic_time(visit_at).date())
    if prefill is not None:
        note = read_note(visit)
        filled = prefill_note(note, prefill)
        if filled:
            write_note(visit, note, by_user_id=practitioner.id)
            db.session.flush()
            detail = f"prefilled from check-in {prefill.check_in_id}: {', '.join(filled)}"
    _record(audit.CREATE, visit, practitioner, detail)
    return visit


def _check_writer(visit: Visit, user) -> None:
    if not may_write(visit, user):
        raise NotYourNote()


def _check_protocol_named(note: dict, stored_protocol_id: int | None, user) -> None:
    """Refuse a note naming a protocol that is neither the one it already had nor one of the user's."""
    chosen = note["protocol_id"]
    if chosen is None or chosen == stored_protocol_id:
        return
    protocol = db.session.get(PointProtocol, chosen)
    if protocol is None or protocol.practitioner_id != user.id:
        raise Refused({"protocol_id": FOREIGN_PROTOCOL})


def find_protocol(protocol_id: int | None, user, *, in_use: bool = True) -> PointProtocol:
    """Return the user's protocol ``protocol_id`` (only one still in use, unless told), or raise ProtocolNotFound."""
    protocol = db.session.get(PointProtocol, protocol_id) if protocol_id is not None else None
    if protocol is None or protocol.practitioner_id != user.id or (in_use and protocol.is_archived):
        raise ProtocolNotFound(protocol_id)
    return protocol


def rule_problems(note: dict, alerts: set[str]) -> dict[str, str]:
    """Return what a saved note may not hold (for drafts and amendments alike)."""
    problems = {}
    if datetime.fromisoformat(note["visit_at"]) > utcnow() + CLOCK_TOLERANCE:
        problems["visit_at"] = "The visit cannot be in the future: enter when the patient was seen."
    needled = {point["code"] for point in note["points"]}
    for pair in note["electro_pairs"]:
        missing = [code for code in (pair["first_point"], pair["second_point"]) if code not in needled]
        if missing:
            problems["electro_pairs"] = (
                f"Electro-acupuncture on {', '.join(missing)}: add "
                f"{'that point' if len(missing) == 1 else 'those points'} to the needled points first."
            )
            break
    for caution in missing_overrides(alerts, note):
        problems[f"override_{caution.code}"] = caution.message
    return problems


def save_draft(
    visit: Visit,
    note: dict,
    *,
    base_version: int | None,
    user,
    alerts: set[str],
    apply_protocol_id: int | None = None,
    detail: str = "draft saved",
) -> bool:
    """Write ``note`` onto the draft if it was opened at the current version; return True if anything changed.

    With ``apply_protocol_id``, the user's protocol's points are added to the note first (ProtocolNotFound
    when it is not one of theirs in use). Each save that changed the draft is one "edit" on the trail.
    """
    _check_writer(visit, user)
    if visit.is_signed:
        raise NoteLocked()
    _check_protocol_named(note, visit.protocol_id, user)
    if apply_protocol_id is not None:
        protocol = find_protocol(apply_protocol_id, user)
        note = apply_protocol(note, protocol)
        detail = f"protocol {protocol.id} applied"
    current = read_note(visit)
    if note == current:
        return False  # a repeated or late autosave of what is already stored is no conflict
    if base_version != visit.version:
        raise StaleNote(visit, current, yours=note)
    problems = rule_problems(note, alerts)
    if problems:
        raise Refused(problems)
    write_note(visit, note, by_user_id=user.id)
    db.session.flush()
    _record(audit.EDIT, visit, user, detail)
    return True


def signing_problems(note: dict, alerts: set[str]) -> dict[str, str]:
    """Return why this note cannot be signed yet (empty when it can)."""
    problems = rule_problems(note, alerts)
    inserted, removed = note["needles_inserted"], note["needles_removed"]
    if note["points"] or inserted:
        if inserted is None or removed is None:
            problems["needles_removed"] = "Count the needles inserted and removed before signing."
        elif inserted != removed and not note["needle_count_incident"].strip():
            problems["needles_removed"] = (
                f"{inserted} needles inserted but {removed} removed. Recount, or write what happened "
                "before signing."
            )
            problems["needle_count_incident"] = "Write what happened to the missing or extra needles."
    reactions = [code for code in note["reactions"] if code != NO_REACTION]
    if "other" in reactions and not note["reaction_other"].strip():
        problems["reaction_other"] = "Describe the other reaction before signing."
    if reactions and not note["reaction_action"].strip():
        problems["reaction_action"] = "Write what was done about the reaction before signing."
    return problems


def sign_visit(visit: Visit, user, *, alerts: set[str]) -> None:
    """Sign and lock the note: stamp the practitioner's name, designation and the time."""
    _check_writer(visit, user)
    if visit.is_signed:
        raise NoteLocked()
    problems = {**undecided_red_flag_problems(visit.patient_id), **signing_problems(read_note(visit), alerts)}
    if problems:
        raise Refused(problems)
    visit.signed_at = utcnow()
    visit.signed_by_id = user.id
    visit.signed_name = user.signature_name
    db.session.flush()
    _record(audit.SIGN, visit, user, seal_detail(read_note(visit)))  # audit-verify checks the note against it


def amend_visit(visit: Visit, note: dict, *, reason: str, user, alerts: set[str]) -> Amendment:
    """Record a change to a signed note with who, when and why; the signed original is kept as it was."""
    _check_writer(visit, user)
    if not visit.is_signed:
        raise Refused({"reason": "This note is still a draft: edit it directly instead of amending."})
    previous = effective_note(visit)
    _check_protocol_named(note, previous["protocol_id"], user)
    problems = rule_problems(note, alerts)
    if not reason.strip():
        problems["reason"] = "Write why the note is being amended."
    changes = describe_changes(previous, note)
    if not changes:
        problems["reason"] = problems.get("reason") or "Nothing was changed: change a field, or cancel."
    if problems:
        raise Refused(problems)
    amendment = Amendment(
        amended_by_id=user.id,
        amended_by_name=user.signature_name,
        amended_at=utcnow(),
        reason=reason.strip(),
        changes=changes,
        note_after=note,
    )
    # The pain history, its CSV and the chart timeline read the stored scores: they follow the correction.
    amendment.pain_replaced = write_amended_pain(visit, previous, note, by_user_id=user.id) or None
    visit.amendments.append(amendment)
    db.session.flush()
    _record(audit.AMEND, visit, user, f"amendment {amendment.id} · {seal_detail(note)}")
    return amendment


def previous_visit(visit: Visit) -> Visit | None:
    """Return the patient's visit before this one, or None."""
    return db.session.scalars(
        db.select(Visit)
        .where(Visit.patient_id == visit.patient_id, Visit.id != visit.id, Visit.visit_at <= visit.visit_at)
        .order_by(Visit.visit_at.desc(), Visit.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class CopiedFromLastVisit:
    """What "Copy from last visit" did: the visit copied, the groups it filled and those already written."""

    last: Visit
    copied: tuple[str, ...]
    kept: tuple[str, ...]


def _is_blank(name: str, value) -> bool:
    if name == "kind":
        return value == ACUPUNCTURE  # a new draft's kind is the default, not a choice yet
    return value is None or value is False or value == "" or value == [] or value == {}


def copy_from_last_visit(visit: Visit, user) -> CopiedFromLastVisit | None:
    """Fill the draft's blanks with what is repeated from the previous visit (see ``REPEATED_FROM_LAST_VISIT``).

    Points are added beside those already on the draft, with their side, technique and depth (de qi is
    felt anew); every other field is copied only where the draft's is blank. None on a first visit.
    """
    _check_writer(visit, user)
    if visit.is_signed:
        raise NoteLocked()
    last = previous_visit(visit)
    if last is None:
        return None
    previous, note = effective_note(last), read_note(visit)
    copied: list[str] = []
    kept: list[str] = []
    for group, names in REPEATED_FROM_LAST_VISIT:
        filled = written = False
        for name in names:
            if _is_blank(name, previous[name]):
                continue
            if name == "points":
                present = {point["code"] for point in note["points"]}
                added = [{**p, "de_qi": False} for p in previous["points"] if p["code"] not in present]
                filled = filled or bool(added)
                written = written or present != {p["code"] for p in previous["points"]}
                note["points"] = note["points"] + added
            elif _is_blank(name, note[name]):
                note[name] = copy.deepcopy(previous[name])
                filled = True
            elif note[name] != previous[name]:
                written = True
        if filled:
            copied.append(group)
        elif written:
            kept.append(group)
    if copied:
        write_note(visit, note, by_user_id=user.id)
        db.session.flush()
        _record(audit.EDIT, visit, user, f"copied from visit {last.id}: {', '.join(copied)}")
    return CopiedFromLastVisit(last=last, copied=tuple(copied), kept=tuple(kept))


def save_protocol(user, name: str, points: list[dict], *, from_visit: Visit | None = None) -> PointProtocol:
    """Save the note's points as a named protocol of ``user``."""
    name = name.strip()
    if not name:
        raise Refused({"protocol_name": "Name the protocol, e.g. “Low back — Kidney deficiency”."})
    if not points:
        raise Refused({"protocol_name": "Add the points to the note first, then save them as a protocol."})
    protocol = PointProtocol(practitioner_id=user.id, name=name[:120])
    protocol.points = [
        ProtocolPoint(position=n, code=p["code"], side=p["side"], technique=p["technique"])
        for n, p in enumerate(points)
    ]
    db.session.add(protocol)
    db.session.flush()
    _record_protocol(
        audit.CREATE, protocol, user, f"from the points of visit {from_visit.id}" if from_visit else ""
    )
    return protocol


def archive_protocol(protocol: PointProtocol, user) -> None:
    """Take the protocol off the user's list (notes that used it keep their points)."""
    if protocol.practitioner_id != user.id:
        raise ProtocolNotFound(protocol.id)
    protocol.is_archived = True
    _record_protocol(audit.ARCHIVE, protocol, user)


def protocols_of(user) -> list[PointProtocol]:
    """Return the practitioner's protocols in use, by name."""
    return list(
        db.session.scalars(
            db.select(PointProtocol)
            .where(PointProtocol.practitioner_id == user.id, PointProtocol.is_archived.is_(False))
            .options(selectinload(PointProtocol.points))
            .order_by(PointProtocol.name)
        )
    )


def apply_protocol(note: dict, protocol: PointProtocol) -> dict:
    """Return the note with the protocol's points added (points already on it are kept as they are)."""
    present = {point["code"] for point in note["points"]}
    added = [
        {"code": p.code, "side": p.side, "technique": p.technique, "de_qi": False, "depth_cun": None}
        for p in protocol.points
        if p.code not in present
    ]
    return {**note, "points": note["points"] + added, "protocol_id": protocol.id}


def overdue_drafts(practitioner_id: int) -> list[Visit]:
    """Return the practitioner's unsigned notes started more than a day ago, oldest first."""
    return list(
        db.session.scalars(
            db.select(Visit)
            .where(
                Visit.practitioner_id == practitioner_id,
                Visit.signed_at.is_(None),
                Visit.created_at < utcnow() - DRAFT_OVERDUE_AFTER,
            )
            .options(selectinload(Visit.patient))
            .order_by(Visit.created_at)
        )
    )


def visits_today(practitioner_id: int) -> list[Visit]:
    """Return the practitioner's visits dated today in the clinic's time zone."""
    zone = clinic_zone()
    start = datetime.combine(utcnow().astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
    return list(
        db.session.scalars(
            db.select(Visit)
            .where(
                Visit.practitioner_id == practitioner_id,
                Visit.visit_at >= start,
                Visit.visit_at < start + timedelta(days=1),
            )
            .options(selectinload(Visit.patient))
            .order_by(Visit.visit_at)
        )
    )
