"""What a visit note holds, in one plain dict: read it from a visit, write it back, and say what changed.

The same dict is what a draft save writes, what an amendment keeps as ``note_after``, and
what a conflict compares, so "what changed" reads the same everywhere.
"""

from datetime import datetime

from intake.clinic_time import format_datetime
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.operations import replace_visit_scores
from intake.pain.regions import REGIONS, region_label
from intake.visits.models import KIND_LABELS, ElectroPair, PointProtocol, SafetyOverride, Visit, VisitPoint

#: The note's two pain keys and the context their scores are stored under.
PAIN = (("pain_before", BEFORE_TREATMENT), ("pain_after", AFTER_TREATMENT))
PROGRESS_LABELS = {"better": "Better", "same": "Same", "worse": "Worse"}
SLEEP_LABELS = {"good": "Good", "fair": "Fair, some waking", "poor": "Poor"}
SIDE_LABELS = {"bilateral": "Both sides", "left": "Left", "right": "Right", "midline": "Midline"}
TECHNIQUE_LABELS = {"even": "Even", "tonify": "Tonify", "reduce": "Reduce"}
INTENSITY_LABELS = {"mild": "Mild", "moderate": "Moderate", "strong": "Strong"}
MOXIBUSTION_LABELS = {
    "stick": "Moxa stick (pole)",
    "warm_needle": "Warm needle",
    "cone": "Indirect cone",
    "box": "Moxa box",
}
CUPPING_LABELS = {"fixed": "Fixed", "sliding": "Sliding"}
MASSAGE_TECHNIQUE_LABELS = {
    "swedish": "Swedish",
    "deep_tissue": "Deep tissue",
    "trigger_point": "Trigger point",
    "myofascial_release": "Myofascial release",
    "tui_na": "Tui na",
    "sports": "Sports",
    "stretching": "Stretching",
    "other": "Other",
}
PRESSURE_LABELS = {"light": "Light", "medium": "Medium", "firm": "Firm", "deep": "Deep"}
TOLERANCE_LABELS = {
    "well": "Tolerated well",
    "some_discomfort": "Some discomfort",
    "poorly": "Poorly tolerated",
}
NO_REACTION = "none"
REACTION_LABELS = {
    NO_REACTION: "None",
    "bruising": "Bruising",
    "bleeding": "Bleeding",
    "pain_at_site": "Pain at a needle site",
    "needle_shock": "Dizziness or fainting (needle shock)",
    "fatigue": "Fatigue",
    "other": "Other",
}
CAUTION_LABELS = {
    "electro_with_pacemaker": "Electro-acupuncture with a pacemaker",
    "points_in_first_trimester": "Cautioned points in the first trimester",
}
#: Suggestions offered while typing the TCM pattern (free text: any pattern may be written).
TCM_PATTERN_SUGGESTIONS = (
    "Kidney deficiency",
    "Kidney yang deficiency",
    "Kidney yin deficiency",
    "Qi and blood stagnation",
    "Blood stasis",
    "Cold-damp obstruction (bi syndrome)",
    "Wind-cold-damp bi syndrome",
    "Damp-heat in the lower back",
    "Liver qi stagnation",
    "Liver and Kidney deficiency",
    "Spleen qi deficiency with dampness",
    "Qi deficiency",
    "Blood deficiency",
)

#: Note fields stored as one column each, with the label the reader sees.
COLUMN_LABELS = {
    "kind": "Kind of visit",
    "duration_minutes": "Duration (minutes)",
    "progress": "Since the last visit",
    "flare_ups": "Flare-ups since the last visit",
    "flare_up_worst": "Worst flare-up (0–10)",
    "sleep": "Sleep",
    "activity": "Activity",
    "patient_report": "Patient reports",
    "observations": "Observations",
    "tender_points": "Tender points",
    "lumbar_flexion_degrees": "Lumbar flexion (degrees)",
    "lumbar_extension_degrees": "Lumbar extension (degrees)",
    "fingertip_to_floor_cm": "Fingertip to floor (cm)",
    "slr_left_degrees": "Straight-leg raise, left (degrees)",
    "slr_right_degrees": "Straight-leg raise, right (degrees)",
    "tongue": "Tongue",
    "pulse": "Pulse",
    "tcm_pattern": "TCM pattern",
    "progress_against_plan": "Progress against the plan",
    "next_visit": "Next visit",
    "frequency": "Frequency",
    "home_care": "Home care",
    "protocol_id": "Protocol applied",
    "needle_gauge": "Needle gauge",
    "needle_length": "Needle length",
    "retention_minutes": "Retention (minutes)",
    "needles_inserted": "Needles inserted",
    "needles_removed": "Needles removed",
    "needle_count_incident": "Needle count: what happened",
    "moxibustion_kind": "Moxibustion",
    "moxibustion_points": "Moxibustion points",
    "cupping_style": "Cupping",
    "cupping_sites": "Cupping sites",
    "cupping_minutes": "Cupping (minutes)",
    "gua_sha": "Gua sha",
    "gua_sha_areas": "Gua sha areas",
    "heat_lamp": "Heat lamp",
    "massage_techniques": "Massage techniques",
    "massage_areas": "Massage areas",
    "massage_pressure": "Pressure",
    "massage_minutes": "Massage (minutes)",
    "massage_tolerance": "Tolerance",
    "massage_response": "Response",
    "massage_areas_to_avoid": "Areas to avoid",
    "reactions": "Reactions",
    "reaction_other": "Other reaction",
    "reaction_action": "What was done",
}
FIELD_LABELS = {
    "visit_at": "Date and time",
    **COLUMN_LABELS,
    "pain_before": "Pain before treatment",
    "pain_after": "Pain after treatment",
    "points": "Points needled",
    "electro_pairs": "Electro-acupuncture",
    "overrides": "Safety overrides",
}
#: How the note reads on its page, section by section.
NOTE_SECTIONS = (
    ("Visit", ("visit_at", "kind", "duration_minutes")),
    ("Subjective", ("progress", "flare_ups", "flare_up_worst", "sleep", "activity", "patient_report")),
    (
        "Objective",
        (
            "observations",
            "tender_points",
            "lumbar_flexion_degrees",
            "lumbar_extension_degrees",
            "fingertip_to_floor_cm",
            "slr_left_degrees",
            "slr_right_degrees",
            "tongue",
            "pulse",
        ),
    ),
    ("Assessment", ("tcm_pattern", "progress_against_plan")),
    ("Plan", ("next_visit", "frequency", "home_care")),
    ("Pain", ("pain_before", "pain_after")),
    (
        "Needling",
        (
            "protocol_id",
            "points",
            "needle_gauge",
            "needle_length",
            "retention_minutes",
            "needles_inserted",
            "needles_removed",
            "needle_count_incident",
            "electro_pairs",
            "moxibustion_kind",
            "moxibustion_points",
            "cupping_style",
            "cupping_sites",
            "cupping_minutes",
            "gua_sha",
            "gua_sha_areas",
            "heat_lamp",
        ),
    ),
    (
        "Massage",
        (
            "massage_techniques",
            "massage_areas",
            "massage_pressure",
            "massage_minutes",
            "massage_tolerance",
            "massage_response",
            "massage_areas_to_avoid",
        ),
    ),
    ("Reactions", ("reactions", "reaction_other", "reaction_action")),
    ("Safety", ("overrides",)),
)
_CHOICE_LABELS = {
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


def read_note(visit: Visit) -> dict:
    """Return everything written on the visit's note as a plain, JSON-ready dict."""
    note = {name: _plain(getattr(visit, name)) for name in COLUMN_LABELS}
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
    note.update(stored_pain(visit))
    note.update(_signed_pain(visit))
    return note


def stored_pain(visit: Visit) -> dict:
    """Return the visit's stored before- and after-treatment scores (what the pain history shows)."""
    pain = db.session.scalars(db.select(PainScore).where(PainScore.visit_id == visit.id)).all()
    return {
        key: {row.region_code: row.score for row in pain if row.context == context} for key, context in PAIN
    }


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


def write_note(visit: Visit, note: dict, *, by_user_id: int) -> None:
    """Make the draft visit hold exactly ``note`` (the caller has checked the rules and commits)."""
    before = read_note(visit)
    # One UPDATE of the visit row per save, so its version moves by exactly one.
    with db.session.no_autoflush:
        for name in COLUMN_LABELS:
            setattr(visit, name, note[name])
        visit.visit_at = datetime.fromisoformat(note["visit_at"])
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
            recorded_at=datetime.fromisoformat(note["visit_at"]),
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
        override = kept.get(caution)
        if override is None:
            visit.overrides.append(SafetyOverride(caution=caution, reason=reason, recorded_by_id=by_user_id))
        elif override.reason != reason:
            override.reason = reason
            override.recorded_by_id = by_user_id


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
        return ", ".join(labels.get(item, item) for item in value)
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
