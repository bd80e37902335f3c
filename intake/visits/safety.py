"""Precautions on a note: which treatments need an explicit override, given the patient's alerts; red flags to decide.

The intake questionnaire raises the alerts (pacemaker, pregnancy, anticoagulants, red flags);
this module decides which choices on a note conflict with them. The point list for early
pregnancy lives here and nowhere else.
"""

from dataclasses import dataclass

from intake.questionnaire.alerts import patient_alerts
from intake.questionnaire.decisions import undecided_red_flags

PACEMAKER = "pacemaker"
FIRST_TRIMESTER = "pregnancy_first_trimester"

#: The refusal's key when red flags wait for a decision (not a field of the note: it is shown above the form).
RED_FLAG_DECISIONS = "red_flag_decisions"

ELECTRO_WITH_PACEMAKER = "electro_with_pacemaker"
POINTS_IN_FIRST_TRIMESTER = "points_in_first_trimester"
CAUTIONS = (ELECTRO_WITH_PACEMAKER, POINTS_IN_FIRST_TRIMESTER)


def _codes(meridian: str, first: int, last: int) -> set[str]:
    return {f"{meridian}{number}" for number in range(first, last + 1)}


#: Lumbosacral and lower-abdominal points, and the points classically forbidden in pregnancy
#: (SP6, LI4, GB21): needling or moxa on them in the first trimester needs a recorded reason.
FIRST_TRIMESTER_CAUTION_POINTS = frozenset(
    _codes("BL", 23, 35)
    | _codes("GV", 2, 4)
    | _codes("CV", 2, 7)
    | _codes("KI", 11, 16)
    | _codes("ST", 25, 30)
    | {"SP6", "LI4", "GB21", "EX-B7", "EX-B8"}
)


@dataclass(frozen=True)
class Caution:
    code: str
    message: str


def alert_codes(patient_id: int) -> set[str]:
    """Return the codes of the patient's current alerts from intake."""
    return {alert.code for alert in patient_alerts(patient_id)}


def cautions_for(alerts: set[str], note: dict) -> list[Caution]:
    """Return the precautions this note runs into, each needing an override with a reason."""
    cautions = []
    if PACEMAKER in alerts and note["electro_pairs"]:
        cautions.append(
            Caution(
                ELECTRO_WITH_PACEMAKER,
                "This patient has a pacemaker. Electro-acupuncture needs an override: "
                "write why it is safe to go ahead, or remove the electro-acupuncture pairs.",
            )
        )
    if FIRST_TRIMESTER in alerts:
        used = [p["code"] for p in note["points"]] + list(note["moxibustion_points"])
        cautioned = sorted({code for code in used if code in FIRST_TRIMESTER_CAUTION_POINTS})
        if cautioned:
            cautions.append(
                Caution(
                    POINTS_IN_FIRST_TRIMESTER,
                    f"This patient is in the first trimester. {', '.join(cautioned)} "
                    f"{'is a point' if len(cautioned) == 1 else 'are points'} to avoid in early pregnancy: "
                    "write why you are going ahead, or remove them.",
                )
            )
    return cautions


def missing_overrides(alerts: set[str], note: dict) -> list[Caution]:
    """Return the precautions on this note that have no override reason yet."""
    return [c for c in cautions_for(alerts, note) if not (note["overrides"].get(c.code) or "").strip()]


def undecided_red_flag_problems(patient_id: int) -> dict[str, str]:
    """Return why red flags stop signing: each one of the latest intake still waits for a practitioner's decision.

    Amending a note signed earlier is not stopped: the decision is owed before the next note is signed.
    """
    undecided = undecided_red_flags([patient_id]).get(patient_id, [])
    if not undecided:
        return {}
    names = "; ".join(flag.message.removeprefix("Red flag: ").partition(" — ")[0] for flag in undecided)
    return {
        RED_FLAG_DECISIONS: (
            f"Decide on {'this red flag' if len(undecided) == 1 else 'these red flags'} before signing: {names}. "
            "Record the decision (referred, cleared to treat, or not applicable) from the red-flag banner at the "
            "top of the note."
        )
    }
