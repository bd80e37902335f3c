"""The visit note as one plain dict: read it from a visit, write it back (columns, rows and pain scores).

The same dict is what a draft save writes, what an amendment keeps as ``note_after``, and
what a conflict compares, so "what changed" reads the same everywhere.
"""

from datetime import datetime

from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.operations import replace_visit_scores
from intake.visits.models import ElectroPair, SafetyOverride, Visit, VisitPoint
from intake.visits.note_fields import COLUMN_FIELDS

#: The note's two pain keys and the context their scores are stored under.
PAIN = (("pain_before", BEFORE_TREATMENT), ("pain_after", AFTER_TREATMENT))


def read_note(visit: Visit, *, stored: dict | None = None) -> dict:
    """Return everything written on the visit's note as a plain, JSON-ready dict.

    ``stored`` is the visit's stored pain as ``stored_pain_of`` read it for many visits at once; without it the
    scores are read here.
    """
    note = {name: _plain(getattr(visit, name)) for name in COLUMN_FIELDS}
    # The note records the visit to the minute, as the form shows it.
    note["visit_at"] = visit.visit_at.replace(second=0, microsecond=0).isoformat() if visit.visit_at else None
    note["points"] = [
        {
            "code": p.code,
            "side": p.side,
            "technique": p.technique,
            "de_qi": bool(p.de_qi),
            "depth_cun": None if p.depth_cun is None else float(p.depth_cun),
        }
        for p in visit.points
    ]
    note["electro_pairs"] = [
        {
            "first_point": pair.first_point,
            "second_point": pair.second_point,
            "frequency_hz": pair.frequency_hz,
            "intensity": pair.intensity,
            "minutes": pair.minutes,
        }
        for pair in visit.electro_pairs
    ]
    note["overrides"] = {override.caution: override.reason for override in visit.overrides}
    note.update(stored_pain(visit) if stored is None else stored)
    note.update(_signed_pain(visit))
    return note


def stored_pain(visit: Visit) -> dict:
    """Return the visit's stored before- and after-treatment scores (what the pain history shows)."""
    pain = db.session.scalars(db.select(PainScore).where(PainScore.visit_id == visit.id)).all()
    return {
        key: {row.region_code: row.score for row in pain if row.context == context} for key, context in PAIN
    }


def stored_pain_of(visit_ids: list[int]) -> dict[int, dict]:
    """Return, per visit id, what ``stored_pain`` returns for that visit, read in one query for them all."""
    found: dict[int, dict] = {visit_id: {key: {} for key, _context in PAIN} for visit_id in visit_ids}
    if not visit_ids:
        return found
    keys = {context: key for key, context in PAIN}
    rows = db.session.execute(
        db.select(PainScore.visit_id, PainScore.context, PainScore.region_code, PainScore.score)
        .where(PainScore.visit_id.in_(visit_ids), PainScore.context.in_(list(keys)))
        .order_by(PainScore.id)
    )
    for visit_id, context, region_code, score in rows:
        found[visit_id][keys[context]][region_code] = score
    return found


def _signed_pain(visit: Visit) -> dict:
    """Return the pain scores the note was signed with, where an amendment has since replaced the stored ones."""
    if visit.signed_at is None:
        return {}
    signed: dict = {}
    for amendment in visit.amendments:  # oldest first: the first to replace a context kept the signed scores
        for key, scores in (amendment.pain_replaced or {}).items():
            signed.setdefault(key, scores)
    return signed


def _plain(value):
    return list(value) if isinstance(value, list) else value


def effective_note(visit: Visit) -> dict:
    """Return the note as it now reads: the signed original, or its latest amendment."""
    if visit.amendments:
        return visit.amendments[-1].note_after
    return read_note(visit)


def visit_moment(visit: Visit, note: dict) -> datetime:
    """Return when the visit happened: the note's minute, keeping the stored seconds while the minute is unchanged."""
    typed = datetime.fromisoformat(note["visit_at"])
    stored = visit.visit_at
    if stored is not None and stored.replace(second=0, microsecond=0) == typed:
        return stored
    return typed


def write_note(visit: Visit, note: dict, *, by_user_id: int) -> None:
    """Make the draft visit hold exactly ``note`` (the caller has checked the rules and commits)."""
    before = read_note(visit)
    # One UPDATE of the visit row per save, so its version moves by exactly one.
    with db.session.no_autoflush:
        for name in COLUMN_FIELDS:
            setattr(visit, name, note[name])
        visit.visit_at = visit_moment(visit, note)
        visit.updated_by_id = by_user_id
        visit.updated_at = utcnow()
        if note["points"] != before["points"]:
            visit.points = [VisitPoint(position=n, **point) for n, point in enumerate(note["points"])]
        if note["electro_pairs"] != before["electro_pairs"]:
            visit.electro_pairs = [
                ElectroPair(position=n, **pair) for n, pair in enumerate(note["electro_pairs"])
            ]
        _write_overrides(visit, note["overrides"], by_user_id)
        for key, context in PAIN:
            if note[key] != before[key] or note["visit_at"] != before["visit_at"]:
                replace_visit_scores(
                    visit.id,
                    visit.patient_id,
                    context,
                    note[key],
                    recorded_at=visit.visit_at,
                    recorded_by_id=by_user_id,
                )


def write_amended_pain(visit: Visit, before: dict, note: dict, *, by_user_id: int) -> dict:
    """Make the stored pain scores follow an amended note; return the scores replaced, by note key.

    The amendment keeps what it replaced, so the signed original still reads as it was signed.
    """
    stored = stored_pain(visit)
    moved = note["visit_at"] != before["visit_at"]
    replaced = {}
    for key, context in PAIN:
        if note[key] == stored[key] and not moved:
            continue
        replaced[key] = stored[key]
        replace_visit_scores(
            visit.id,
            visit.patient_id,
            context,
            note[key],
            recorded_at=visit_moment(visit, note),
            recorded_by_id=by_user_id,
        )
    return replaced


def _write_overrides(visit: Visit, reasons: dict[str, str], by_user_id: int) -> None:
    kept = {override.caution: override for override in visit.overrides}
    for caution, override in kept.items():
        if not reasons.get(caution):
            visit.overrides.remove(override)
    for caution, reason in reasons.items():
        if not reason:
            continue
        existing = kept.get(caution)
        if existing is None:
            visit.overrides.append(SafetyOverride(caution=caution, reason=reason, recorded_by_id=by_user_id))
        elif existing.reason != reason:
            existing.reason = reason
            existing.recorded_by_id = by_user_id
            existing.recorded_at = utcnow()  # who wrote the reason, and when, as for a red-flag decision
