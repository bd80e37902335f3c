"""Return-visit check-ins as the clinic reads them: the latest of a patient (or of a clinic day), in words, and
what a new visit note takes from it.

A check-in is an ``Intake`` row of ``form_kind`` check_in (see models.py); its questions are in check_in_steps.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func

from intake.clinic_time import clinic_local_to_utc
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, PainScore
from intake.pain.regions import REGION_BY_CODE, region_label
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import DANGER, Alert, intake_alerts
from intake.questionnaire.models import CHECK_IN_FORM, SUBMITTED, Intake
from intake.questionnaire.summary import NOT_ANSWERED, Answer, AnswerSection

#: How a prefilled value is marked on the visit note.
FROM_CHECK_IN = "from the patient's check-in"


def _submitted_check_ins():
    return db.select(Intake).where(Intake.form_kind == CHECK_IN_FORM, Intake.status == SUBMITTED)


def latest_check_in(patient_id: int, on_day: date | None = None) -> Intake | None:
    """Return the patient's latest submitted check-in (of that clinic day, when given), or None (one query)."""
    statement = _submitted_check_ins().where(Intake.patient_id == patient_id)
    if on_day is not None:
        start = clinic_local_to_utc(datetime.combine(on_day, time.min))
        end = clinic_local_to_utc(datetime.combine(on_day + timedelta(days=1), time.min))
        statement = statement.where(Intake.submitted_at >= start, Intake.submitted_at < end)
    return db.session.scalar(statement.order_by(Intake.submitted_at.desc(), Intake.id.desc()).limit(1))


def previous_peg_score(check_in: Intake) -> float | None:
    """Return the PEG score of the patient's check-in before this one (the baseline of its change), or None."""
    if check_in.submitted_at is None:
        return None
    return db.session.scalar(
        db.select(Intake.peg_score)
        .where(
            Intake.patient_id == check_in.patient_id,
            Intake.form_kind == CHECK_IN_FORM,
            Intake.status == SUBMITTED,
            Intake.peg_score.is_not(None),
            Intake.submitted_at < check_in.submitted_at,
        )
        .order_by(Intake.submitted_at.desc(), Intake.id.desc())
        .limit(1)
    )


def last_scored_regions(patient_id: int) -> dict[str, int]:
    """Return the patient's pain on arrival the last time it was scored, by region (two indexed queries).

    After-treatment scores are left out: the check-in asks how the pain is before this visit, and compares with
    how it was when the patient last arrived (intake, check-in or before a treatment).
    """
    arrival = PainScore.context != AFTER_TREATMENT
    latest = db.session.scalar(
        db.select(func.max(PainScore.recorded_at)).where(PainScore.patient_id == patient_id, arrival)
    )
    if latest is None:
        return {}
    rows = db.session.execute(
        db.select(PainScore.region_code, PainScore.score).where(
            PainScore.patient_id == patient_id, arrival, PainScore.recorded_at == latest
        )
    )
    return {row.region_code: row.score for row in rows if row.region_code in REGION_BY_CODE}


# --- What the visit note takes from a check-in ---------------------------------------------------


@dataclass(frozen=True)
class CheckInChange:
    """One thing that changed since the last visit, as the patient answered it."""

    code: str  # a key of check_in_steps.CHANGE_QUESTIONS: medicines, pregnancy, device, injury, surgery, diagnosis
    label: str  # as the practitioner reads it, e.g. "New injury or fall"
    follow_up: str  # the follow-up answer in words ("" when there was none)


class PegChange:
    """The change in PEG since the check-in before, for what holds ``peg_score`` and ``peg_previous``."""

    peg_score: float | None
    peg_previous: float | None

    @property
    def peg_change(self) -> float | None:
        return c.peg_change(self.peg_previous, self.peg_score)

    @property
    def peg_change_is_meaningful(self) -> bool:
        return c.is_meaningful_peg_change(self.peg_change)


@dataclass(frozen=True)
class CheckInPrefill(PegChange):
    """What a new visit note is prefilled with from the patient's check-in (each value marked FROM_CHECK_IN).

    - ``pain_now``: pain before the visit, 0-10 by body region code (intake.pain.regions), as the patient scored it;
    - ``flare_up_count`` since the last visit (0..check_in_steps.MOST_FLARE_UPS) and ``flare_up_worst`` 0-10
      (None without flare-ups);
    - ``reactions``: codes of check_in_steps.REACTIONS the patient ticked after the last treatment (empty when
      nothing), ``reaction_other`` their own words ("" when none); ``reaction_words`` both in words;
    - ``peg_items``: the three PEG answers by key (check_in_steps.PEG_KEYS), ``peg_score`` their mean,
      ``peg_previous`` the score of the check-in before (None for the first) and ``peg_change`` the difference;
    - ``changes``: each "yes" of what changed since the last visit, with its follow-up in words;
    - ``check_in_id`` and ``submitted_at`` (UTC) of the check-in it came from.
    """

    check_in_id: int
    submitted_at: datetime
    pain_now: dict[str, int]
    flare_up_count: int
    flare_up_worst: int | None
    reactions: tuple[str, ...]
    reaction_other: str
    peg_items: dict[str, int]
    peg_score: float | None
    peg_previous: float | None
    changes: tuple[CheckInChange, ...]

    @property
    def reaction_words(self) -> list[str]:
        words = [c.REACTION_LABELS[code] for code in self.reactions]
        return words + ([self.reaction_other] if self.reaction_other else [])

    @property
    def flare_up_words(self) -> str:
        if not self.flare_up_count:
            return "No flare-ups since the last visit"
        times = "1 flare-up" if self.flare_up_count == 1 else f"{self.flare_up_count} flare-ups"
        return f"{times} since the last visit, the worst {self.flare_up_worst}/10"


def change_follow_up(code: str, changes: dict) -> str:
    """Return the follow-up answer of one change in words."""
    if code == "medicines":
        parts = []
        thinners = [
            c.BLOOD_THINNER_LABELS[k]
            for k in changes.get("blood_thinners") or []
            if k in c.BLOOD_THINNER_LABELS
        ]
        if thinners:
            parts.append(f"blood thinner started: {', '.join(thinners)}")
        if (changes.get("medicines_started") or "").strip():
            parts.append(f"started: {changes['medicines_started'].strip()}")
        if (changes.get("medicines_stopped") or "").strip():
            parts.append(f"stopped: {changes['medicines_stopped'].strip()}")
        return "; ".join(parts)
    if code == "pregnancy":
        if changes.get("pregnancy") == "possibly":
            return "Possibly pregnant"
        return f"Pregnant ({q.TRIMESTER_LABELS.get(changes.get('trimester') or '', 'trimester unknown')})"
    if code == "device":
        kind = dict(c.DEVICE_CHOICES).get(changes.get("device_kind") or "", "")
        detail = (changes.get("device_detail") or "").strip()
        return f"{kind}: {detail}" if kind and detail else kind or detail
    return (changes.get(f"{code}_detail") or "").strip()


def _changed(code: str, changes: dict) -> bool:
    if code == "pregnancy":
        return changes.get("pregnancy") in ("yes", "possibly")
    return bool(changes.get(code))


def check_in_changes(changes: dict) -> tuple[CheckInChange, ...]:
    """Return each change the patient answered yes to, with its follow-up, in the order asked."""
    return tuple(
        CheckInChange(question.key, question.staff_label, change_follow_up(question.key, changes))
        for question in c.CHANGE_QUESTIONS
        if _changed(question.key, changes)
    )


def prefill_from(check_in: Intake, *, peg_previous: float | None = None) -> CheckInPrefill:
    """Return what a visit note takes from this submitted check-in (pass peg_previous from previous_peg_score)."""
    if not check_in.is_check_in or check_in.submitted_at is None:
        raise ValueError("only a submitted check-in prefills a visit note")
    flare_ups = check_in.step_answers(c.FLARE_UPS)
    treatment = check_in.step_answers(c.LAST_TREATMENT)
    peg = check_in.step_answers(c.PEG)
    count = int(flare_ups.get("count") or 0)
    return CheckInPrefill(
        check_in_id=check_in.id,
        submitted_at=check_in.submitted_at,
        pain_now={
            code: int(score)
            for code, score in (check_in.step_answers(c.PAIN_NOW).get("regions") or {}).items()
        },
        flare_up_count=count,
        flare_up_worst=flare_ups.get("worst") if count else None,
        reactions=tuple(code for code in c.REACTION_KEYS if code in (treatment.get("reactions") or [])),
        reaction_other=(treatment.get("other") or "").strip(),
        peg_items={key: peg[key] for key in c.PEG_KEYS if isinstance(peg.get(key), int)},
        peg_score=check_in.peg_score,
        peg_previous=peg_previous,
        changes=check_in_changes(check_in.step_answers(c.CHANGES)),
    )


def visit_prefill(patient_id: int, on_day: date) -> CheckInPrefill | None:
    """Return what a visit note on this clinic day takes from that day's check-in, or None (three queries)."""
    check_in = latest_check_in(patient_id, on_day)
    if check_in is None:
        return None
    return prefill_from(check_in, peg_previous=previous_peg_score(check_in))


# --- A check-in in words (the patient's review page, the chart, the check-in page) ----------------------


def _yes_no(value) -> str:
    if value is None:
        return NOT_ANSWERED
    return "Yes" if value else "No"


def pain_now_answers(saved: dict) -> list[Answer]:
    regions = sorted(
        ((region_label(code), int(score)) for code, score in (saved.get("regions") or {}).items()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return [
        Answer("Pain now (0-10)", "; ".join(f"{label}: {score}" for label, score in regions) or "No pain")
    ]


def peg_answers(saved: dict) -> list[Answer]:
    answers = [
        Answer(item.staff_label, NOT_ANSWERED if saved.get(item.key) is None else f"{saved[item.key]} / 10")
        for item in c.PEG_ITEMS
    ]
    score = c.peg_score(saved)
    answers.append(Answer("PEG score (mean)", NOT_ANSWERED if score is None else f"{score:.1f} / 10"))
    return answers


def flare_up_answers(saved: dict) -> list[Answer]:
    count = saved.get("count")
    if count is None:
        return [Answer("Flare-ups since the last visit", NOT_ANSWERED)]
    answers = [Answer("Flare-ups since the last visit", str(count))]
    if count:
        worst = saved.get("worst")
        answers.append(Answer("Worst flare-up", NOT_ANSWERED if worst is None else f"{worst} / 10"))
    return answers


def last_treatment_answers(saved: dict) -> list[Answer]:
    words = [c.REACTION_LABELS[code] for code in c.REACTION_KEYS if code in (saved.get("reactions") or [])]
    if saved.get(c.NO_REACTION):
        words.append("None of these")
    other = (saved.get("other") or "").strip()
    if other:
        words.append(f"Other: {other}")
    return [Answer("After the last treatment", "; ".join(words) or NOT_ANSWERED)]


def changes_answers(saved: dict) -> list[Answer]:
    answers = []
    for question in c.CHANGE_QUESTIONS:
        if question.key == "pregnancy":
            value = saved.get("pregnancy")
            text = dict(c.PREGNANCY_CHOICES).get(value or "", NOT_ANSWERED)
        else:
            text = _yes_no(saved.get(question.key))
        follow_up = change_follow_up(question.key, saved) if _changed(question.key, saved) else ""
        answers.append(Answer(question.staff_label, f"{text}: {follow_up}" if follow_up else text))
    return answers


def check_in_red_flag_answers(saved: dict) -> list[Answer]:
    return [Answer(flag.question, _yes_no(saved.get(flag.key))) for flag in c.RED_FLAGS_ASKED]


SECTION_ANSWERS = {
    c.PAIN_NOW: pain_now_answers,
    c.PEG: peg_answers,
    c.FLARE_UPS: flare_up_answers,
    c.LAST_TREATMENT: last_treatment_answers,
    c.CHANGES: changes_answers,
    c.RED_FLAGS: check_in_red_flag_answers,
}


@dataclass
class CheckInSummary(PegChange):
    """A check-in in words: its sections, PEG with its change, red flags and precautions it raised."""

    check_in: Intake
    sections: list[AnswerSection]
    peg_score: float | None
    peg_previous: float | None
    red_flags: list[Alert]
    precautions: list[Alert]
    changes: tuple[CheckInChange, ...]


def summarise_check_in(check_in: Intake, *, peg_previous: float | None = None) -> CheckInSummary:
    """Put every saved answer of a check-in into words, with its PEG score, red flags and precautions."""
    saved = check_in.answers or {}
    sections = []
    for step in c.STEPS:
        if step.key == c.REVIEW:
            continue
        present = step.key in saved
        answers = SECTION_ANSWERS[step.key](saved.get(step.key) or {}) if present else []
        sections.append(AnswerSection(step.key, step.title, step.staff_title, answers, saved=present))
    alerts = intake_alerts(check_in, check_in.patient)
    score = check_in.peg_score if check_in.is_submitted else c.peg_score(saved.get(c.PEG) or {})
    return CheckInSummary(
        check_in=check_in,
        sections=sections,
        peg_score=score,
        peg_previous=peg_previous,
        red_flags=[alert for alert in alerts if alert.severity == DANGER],
        precautions=[alert for alert in alerts if alert.severity != DANGER],
        changes=check_in_changes(saved.get(c.CHANGES) or {}),
    )
