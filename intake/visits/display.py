"""The visit note as the reader sees it: each value in words, section by section, and what changed."""

from datetime import datetime

from intake.clinic_time import format_datetime
from intake.extensions import db
from intake.pain.regions import REGIONS, region_label
from intake.visits.models import KIND_LABELS, PointProtocol
from intake.visits.note_fields import FIELD_LABELS, NOTE_SECTIONS
from intake.visits.vocabulary import (
    CAUTION_LABELS,
    CUPPING_LABELS,
    INTENSITY_LABELS,
    MASSAGE_TECHNIQUE_LABELS,
    MOXIBUSTION_LABELS,
    PRESSURE_LABELS,
    PROGRESS_LABELS,
    REACTION_LABELS,
    SIDE_LABELS,
    SLEEP_LABELS,
    TECHNIQUE_LABELS,
    TOLERANCE_LABELS,
)

_CHOICE_LABELS: dict[str, dict[str, str]] = {
    "kind": KIND_LABELS,
    "progress": PROGRESS_LABELS,
    "sleep": SLEEP_LABELS,
    "moxibustion_kind": MOXIBUSTION_LABELS,
    "cupping_style": CUPPING_LABELS,
    "massage_techniques": MASSAGE_TECHNIQUE_LABELS,
    "massage_pressure": PRESSURE_LABELS,
    "massage_tolerance": TOLERANCE_LABELS,
    "reactions": REACTION_LABELS,
    "massage_areas": {region.code: region.label for region in REGIONS},
}


def describe(key: str, value) -> str:
    """Return a stored note value as the reader sees it ('—' when empty)."""
    if not _is_filled(value) and not isinstance(value, bool):
        return "—"
    if key == "visit_at":
        return format_datetime(datetime.fromisoformat(value))
    if key in ("pain_before", "pain_after"):
        return "; ".join(f"{region_label(code)} {score}" for code, score in value.items())
    if key == "points":
        return "; ".join(_describe_point(point) for point in value)
    if key == "electro_pairs":
        return "; ".join(_describe_pair(pair) for pair in value)
    if key == "overrides":
        return "; ".join(f"{CAUTION_LABELS.get(c, c)}: {reason}" for c, reason in value.items())
    if key == "protocol_id":
        protocol = db.session.get(PointProtocol, value)
        return protocol.name if protocol else "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = _CHOICE_LABELS.get(key, {})
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))


def _describe_point(point: dict) -> str:
    parts = [
        SIDE_LABELS.get(point["side"], point["side"]).lower(),
        TECHNIQUE_LABELS[point["technique"]].lower(),
    ]
    if point.get("de_qi"):
        parts.append("de qi")
    if point.get("depth_cun") is not None:
        parts.append(f"{point['depth_cun']:g} cun")
    return f"{point['code']} ({', '.join(parts)})"


def _describe_pair(pair: dict) -> str:
    text = f"{pair['first_point']}–{pair['second_point']} {pair['frequency_hz']} Hz, "
    text += INTENSITY_LABELS.get(pair["intensity"], pair["intensity"]).lower()
    if pair.get("minutes"):
        text += f", {pair['minutes']} min"
    return text


def note_sections(note: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the filled-in parts of the note, section by section, as (label, text) rows."""
    sections = []
    for title, keys in NOTE_SECTIONS:
        rows = [
            (FIELD_LABELS[key], describe(key, note.get(key))) for key in keys if _is_filled(note.get(key))
        ]
        if rows:
            sections.append((title, rows))
    return sections


def _is_filled(value) -> bool:
    # 0 is an answer (no flare-ups); None, blank, empty and an unticked box are not.
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | dict) and not value)


def describe_changes(before: dict, after: dict) -> list[list[str]]:
    """Return [label, before, after] for every field that differs, in the order the note reads."""
    changes = []
    for _, keys in NOTE_SECTIONS:
        for key in keys:
            old, new = before.get(key), after.get(key)
            if _is_filled(old) or _is_filled(new):
                if old != new:
                    changes.append([FIELD_LABELS[key], describe(key, old), describe(key, new)])
    return changes
