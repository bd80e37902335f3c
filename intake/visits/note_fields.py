"""Every field of a visit note, once: its name, the label the reader sees, its section and its kind.

The note dict, the columns it is stored in, the form's parsing, the note page and the amendment's
"what changed" all read this list, so a field added here is covered everywhere (and a test fails
when a text column of ``Visit`` is missing from it).
"""

from dataclasses import dataclass

#: Kinds of field. The first seven are stored one column each on ``Visit``.
WHEN = "when"  # the visit's date and time (a column, read and written as ISO text)
CHOICE = "choice"  # one of a vocabulary, stored as its code
TEXT = "text"  # free text the practitioner types
NUMBER = "number"  # a whole number, blank allowed
FLAG = "flag"  # a tick box
CHOICES = "choices"  # several of a vocabulary, stored as a list of codes
CODES = "codes"  # acupuncture point codes typed in one line
PROTOCOL = "protocol"  # the id of the protocol applied
POINTS = "points"  # the points needled (rows of their own)
PAIRS = "pairs"  # electro-acupuncture pairs (rows of their own)
PAIN = "pain"  # scores by body region, stored as pain scores
OVERRIDES = "overrides"  # reasons to go ahead despite a caution (rows of their own)

COLUMN_KINDS = frozenset({CHOICE, TEXT, NUMBER, FLAG, CHOICES, CODES, PROTOCOL})


@dataclass(frozen=True)
class NoteField:
    """One field of the visit note."""

    name: str
    label: str
    section: str
    kind: str


#: The note's fields in the order it reads, section by section.
NOTE_FIELDS = (
    NoteField("visit_at", "Date and time", "Visit", WHEN),
    NoteField("kind", "Kind of visit", "Visit", CHOICE),
    NoteField("duration_minutes", "Duration (minutes)", "Visit", NUMBER),
    NoteField("progress", "Since the last visit", "Subjective", CHOICE),
    NoteField("flare_ups", "Flare-ups since the last visit", "Subjective", NUMBER),
    NoteField("flare_up_worst", "Worst flare-up (0–10)", "Subjective", NUMBER),
    NoteField("sleep", "Sleep", "Subjective", CHOICE),
    NoteField("activity", "Activity", "Subjective", TEXT),
    NoteField("patient_report", "Patient reports", "Subjective", TEXT),
    NoteField("observations", "Observations", "Objective", TEXT),
    NoteField("tender_points", "Tender points", "Objective", TEXT),
    NoteField("lumbar_flexion_degrees", "Lumbar flexion (degrees)", "Objective", NUMBER),
    NoteField("lumbar_extension_degrees", "Lumbar extension (degrees)", "Objective", NUMBER),
    NoteField("fingertip_to_floor_cm", "Fingertip to floor (cm)", "Objective", NUMBER),
    NoteField("slr_left_degrees", "Straight-leg raise, left (degrees)", "Objective", NUMBER),
    NoteField("slr_right_degrees", "Straight-leg raise, right (degrees)", "Objective", NUMBER),
    NoteField("tongue", "Tongue", "Objective", TEXT),
    NoteField("pulse", "Pulse", "Objective", TEXT),
    NoteField("tcm_pattern", "TCM pattern", "Assessment", TEXT),
    NoteField("progress_against_plan", "Progress against the plan", "Assessment", TEXT),
    NoteField("next_visit", "Next visit", "Plan", TEXT),
    NoteField("frequency", "Frequency", "Plan", TEXT),
    NoteField("home_care", "Home care", "Plan", TEXT),
    NoteField("pain_before", "Pain before treatment", "Pain", PAIN),
    NoteField("pain_after", "Pain after treatment", "Pain", PAIN),
    NoteField("protocol_id", "Protocol applied", "Needling", PROTOCOL),
    NoteField("points", "Points needled", "Needling", POINTS),
    NoteField("needle_gauge", "Needle gauge", "Needling", CHOICE),
    NoteField("needle_length", "Needle length", "Needling", CHOICE),
    NoteField("retention_minutes", "Retention (minutes)", "Needling", NUMBER),
    NoteField("needles_inserted", "Needles inserted", "Needling", NUMBER),
    NoteField("needles_removed", "Needles removed", "Needling", NUMBER),
    NoteField("needle_count_incident", "Needle count: what happened", "Needling", TEXT),
    NoteField("electro_pairs", "Electro-acupuncture", "Needling", PAIRS),
    NoteField("moxibustion_kind", "Moxibustion", "Needling", CHOICE),
    NoteField("moxibustion_points", "Moxibustion points", "Needling", CODES),
    NoteField("cupping_style", "Cupping", "Needling", CHOICE),
    NoteField("cupping_sites", "Cupping sites", "Needling", TEXT),
    NoteField("cupping_minutes", "Cupping (minutes)", "Needling", NUMBER),
    NoteField("gua_sha", "Gua sha", "Needling", FLAG),
    NoteField("gua_sha_areas", "Gua sha areas", "Needling", TEXT),
    NoteField("heat_lamp", "Heat lamp", "Needling", FLAG),
    NoteField("massage_techniques", "Massage techniques", "Massage", CHOICES),
    NoteField("massage_areas", "Massage areas", "Massage", CHOICES),
    NoteField("massage_pressure", "Pressure", "Massage", CHOICE),
    NoteField("massage_minutes", "Massage (minutes)", "Massage", NUMBER),
    NoteField("massage_tolerance", "Tolerance", "Massage", CHOICE),
    NoteField("massage_response", "Response", "Massage", TEXT),
    NoteField("massage_areas_to_avoid", "Areas to avoid", "Massage", TEXT),
    NoteField("reactions", "Reactions", "Reactions", CHOICES),
    NoteField("reaction_other", "Other reaction", "Reactions", TEXT),
    NoteField("reaction_action", "What was done", "Reactions", TEXT),
    NoteField("overrides", "Safety overrides", "Safety", OVERRIDES),
)

FIELD_LABELS = {field.name: field.label for field in NOTE_FIELDS}
#: Fields stored one column each on ``Visit`` under their own name (``visit_at`` is read and written apart).
COLUMN_FIELDS = tuple(field.name for field in NOTE_FIELDS if field.kind in COLUMN_KINDS)


def names_of(*kinds: str) -> tuple[str, ...]:
    """Return the names of the note's fields of these kinds, in the order the note reads."""
    return tuple(field.name for field in NOTE_FIELDS if field.kind in kinds)


def _sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    titles = list(dict.fromkeys(field.section for field in NOTE_FIELDS))
    return tuple((title, tuple(f.name for f in NOTE_FIELDS if f.section == title)) for title in titles)


#: How the note reads on its page: (section title, field names).
NOTE_SECTIONS = _sections()


#: What "Copy from last visit" carries over, as the groups its message names: what a practitioner repeats
#: from one treatment to the next. A field is copied only where the draft's is still blank (points are added
#: beside those already there), so nothing written today is replaced.
REPEATED_FROM_LAST_VISIT = (
    ("the kind and length of the visit", ("kind", "duration_minutes")),
    ("points and their settings", ("protocol_id", "points")),
    ("needles", ("needle_gauge", "needle_length")),
    ("retention", ("retention_minutes",)),
    ("electro-acupuncture", ("electro_pairs",)),
    ("moxibustion", ("moxibustion_kind", "moxibustion_points")),
    ("cupping", ("cupping_style", "cupping_sites", "cupping_minutes")),
    ("gua sha and heat lamp", ("gua_sha", "gua_sha_areas", "heat_lamp")),
    ("massage techniques", ("massage_techniques",)),
    ("pressure", ("massage_pressure",)),
    ("massage minutes", ("massage_minutes",)),
    ("massage areas and areas to avoid", ("massage_areas", "massage_areas_to_avoid")),
)
#: What it never copies: what is new at every visit (and the signature, which is no field).
NOT_REPEATED_FROM_LAST_VISIT = (
    ("the date and time", ("visit_at",)),
    ("pain scores", ("pain_before", "pain_after")),
    (
        "what the patient reports",
        ("progress", "flare_ups", "flare_up_worst", "sleep", "activity", "patient_report"),
    ),
    (
        "findings and measurements",
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
    (
        "the assessment and plan",
        ("tcm_pattern", "progress_against_plan", "next_visit", "frequency", "home_care"),
    ),
    ("the needle count", ("needles_inserted", "needles_removed", "needle_count_incident")),
    ("how the massage was tolerated", ("massage_tolerance", "massage_response")),
    ("reactions", ("reactions", "reaction_other", "reaction_action")),
    ("safety overrides", ("overrides",)),
)
