"""What a new visit note takes from the patient's check-in of the same clinic day, and which fields still hold it.

When a practitioner starts a note, "pain before" and the subjective fields are filled from that day's check-in
(``intake.questionnaire.check_ins.visit_prefill``) where the note is still blank. The note page marks each field
whose value is still the patient's own "from the patient's check-in"; once the practitioner changes it, the mark
goes: nothing is stored about the prefill beyond the note itself and its audit event.
"""

from intake.questionnaire.check_in_steps import is_meaningful_peg_change
from intake.questionnaire.check_ins import FROM_CHECK_IN, CheckInPrefill, visit_prefill

__all__ = ["FROM_CHECK_IN", "check_in_marks", "prefill_note", "prefilled_values", "visit_prefill"]

#: The note's fields a check-in can fill, in the order the note reads.
PREFILLED_FIELDS = ("progress", "flare_ups", "flare_up_worst", "patient_report", "pain_before")


def _progress(prefill: CheckInPrefill) -> str | None:
    """Better / same / worse from the change in PEG since the check-in before (≥ 1 point is meaningful)."""
    change = prefill.peg_change
    if change is None:
        return None
    if not is_meaningful_peg_change(change):
        return "same"
    return "better" if change < 0 else "worse"


def _report(prefill: CheckInPrefill) -> str:
    """The patient's own answers the note has no field for, in sentences."""
    sentences = []
    if prefill.peg_score is not None:
        was = "" if prefill.peg_previous is None else f" (was {prefill.peg_previous:.1f})"
        sentences.append(f"PEG {prefill.peg_score:.1f}{was}.")
    if prefill.reaction_words:
        sentences.append("After the last treatment: " + ", ".join(prefill.reaction_words) + ".")
    for change in prefill.changes:
        sentences.append(f"{change.label}: {change.follow_up}." if change.follow_up else f"{change.label}.")
    return " ".join(sentences)


def prefilled_values(prefill: CheckInPrefill) -> dict:
    """Return, by note field, the value the check-in gives it (fields it says nothing about are left out)."""
    values: dict = {"flare_ups": prefill.flare_up_count}
    if prefill.flare_up_worst is not None:
        values["flare_up_worst"] = prefill.flare_up_worst
    progress = _progress(prefill)
    if progress is not None:
        values["progress"] = progress
    report = _report(prefill)
    if report:
        values["patient_report"] = report
    if prefill.pain_now:
        values["pain_before"] = dict(prefill.pain_now)
    return values


def _blank(value) -> bool:
    return value is None or value == "" or value == {} or value == []


def prefill_note(note: dict, prefill: CheckInPrefill) -> list[str]:
    """Fill the note's blank fields from the check-in, in place; return the names of the fields filled."""
    filled = []
    for name, value in prefilled_values(prefill).items():
        if _blank(note.get(name)):
            note[name] = value
            filled.append(name)
    return [name for name in PREFILLED_FIELDS if name in filled]


def check_in_marks(note: dict, prefill: CheckInPrefill | None) -> dict[str, str]:
    """Return, by note field, the mark for each field that still holds exactly what the check-in gave it."""
    if prefill is None:
        return {}
    return {
        name: FROM_CHECK_IN for name, value in prefilled_values(prefill).items() if note.get(name) == value
    }
