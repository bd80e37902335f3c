"""The patient's pages of a return-visit check-in, on the same link and tablet routes as the intake.

patient_views.py opens the grant (the token rules, the date-of-birth check, the tablet's clock) and hands a check-in's
steps here; everything a check-in shows and saves goes through this module.
"""

from typing import TYPE_CHECKING

from flask import abort, redirect, render_template, request

from intake.extensions import db
from intake.pain.bodymap import parse_region_scores
from intake.pain.regions import REGIONS, region_label
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import identity, operations
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import urgent_advice_level
from intake.questionnaire.check_ins import last_scored_regions, summarise_check_in
from intake.questionnaire.forms import (
    SCORE_CHOICES,
    SCORE_VALUES,
    ChangesForm,
    CheckInRedFlagsForm,
    FlareUpsForm,
    LastTreatmentForm,
    PegForm,
    StepForm,
)

if TYPE_CHECKING:
    from intake.questionnaire.patient_views import Filler

#: The body map's prefix for areas the patient adds; the listed areas post as "now-<region code>".
BODY_MAP_PREFIX = "pain"
LISTED_PREFIX = "now"
STEP_FORMS: dict[str, type[StepForm]] = {
    c.PEG: PegForm,
    c.FLARE_UPS: FlareUpsForm,
    c.LAST_TREATMENT: LastTreatmentForm,
    c.CHANGES: ChangesForm,
    c.RED_FLAGS: CheckInRedFlagsForm,
}
REGION_ORDER = {region.code: n for n, region in enumerate(REGIONS)}
REGION_LABELS = {region.code: region_label(region.code) for region in REGIONS}


def show_step(filler: "Filler", step: str):
    """Show or save one step of the check-in."""
    if step not in c.STEP_BY_KEY:
        abort(404)
    if request.method == "GET":
        operations.record_step_viewed(filler.grant, step)
        db.session.commit()
    if step == c.REVIEW:
        return review(filler)
    if step == c.PAIN_NOW:
        return pain_now_step(filler)
    return form_step(filler, step)


def render_step(filler: "Filler", step: str, status: int = 200, **context):
    previous = q.previous_step(step, c.STEPS)
    return (
        render_template(
            f"questionnaire/check_in/{step}.html",
            filler=filler,
            intake=filler.intake,
            step=c.STEP_BY_KEY[step],
            step_number=q.step_number(step, c.STEPS),
            step_count=len(c.STEPS),
            kiosk_idle_seconds=int(identity.kiosk_idle_limit().total_seconds()),
            back_url=filler.url("step", step=previous) if previous else None,
            check_in=c,
            score_choices=SCORE_CHOICES,
            region_labels=REGION_LABELS,
            **context,
        ),
        status,
    )


def _saved(filler: "Filler", step: str):
    db.session.commit()
    return redirect(filler.url("step", step=q.next_step(step, c.STEPS)))


def form_step(filler: "Filler", step: str):
    form_class = STEP_FORMS[step]
    saved = filler.intake.step_answers(step)
    form = form_class() if request.method == "POST" else form_class.from_answers(saved)
    if form.validate_on_submit():
        answers = form.answers()
        operations.save_answers(filler.grant, step, answers)
        if step == c.RED_FLAGS and urgent_advice_level(answers):
            db.session.commit()
            return redirect(filler.url("urgent_advice"))  # before anything else: what to do now
        return _saved(filler, step)
    return render_step(filler, step, 422 if form.errors else 200, form=form)


def listed_regions(filler: "Filler") -> list[str]:
    """Return the areas scored last time, in body order: the check-in asks each of them again."""
    return sorted(last_scored_regions(filler.intake.patient_id), key=lambda code: REGION_ORDER.get(code, 0))


def parse_pain_now(
    formdata, listed: list[str]
) -> tuple[dict[str, int], dict[str, int | str], dict[str, str]]:
    """Return (every score, what was typed in the list, errors by field name) from the pain-now step's form."""
    typed: dict[str, int | str] = {}
    scores: dict[str, int] = {}
    errors: dict[str, str] = {}
    for code in listed:
        name = f"{LISTED_PREFIX}-{code}"
        value = (formdata.get(name) or "").strip()
        typed[code] = value
        if value not in SCORE_VALUES:
            errors[name] = (
                f"Choose how your {region_label(code).lower()} feels today, 0 to 10 (0 if no pain)."
            )
            continue
        scores[code] = int(value)
    added, map_errors = parse_region_scores(formdata, BODY_MAP_PREFIX)
    errors.update(map_errors)
    for code, score in added.items():
        if code in listed:
            errors[f"{BODY_MAP_PREFIX}-{code}"] = (
                "You scored this area in the list above: leave it blank here."
            )
        else:
            scores[code] = score
    return scores, typed, errors


def pain_now_step(filler: "Filler"):
    listed = listed_regions(filler)
    saved = filler.intake.step_answers(c.PAIN_NOW)
    regions = saved.get("regions") or {}
    if request.method != "POST":
        listed_scores = {code: regions[code] for code in listed if code in regions}
        added = {code: score for code, score in regions.items() if code not in listed}
        return render_step(
            filler,
            c.PAIN_NOW,
            listed=listed,
            listed_scores=listed_scores,
            added=added,
            errors={},
            map_errors={},
        )
    scores, typed, errors = parse_pain_now(request.form, listed)
    if not errors:
        operations.save_answers(filler.grant, c.PAIN_NOW, {"regions": scores, "listed": listed})
        return _saved(filler, c.PAIN_NOW)
    added, _map_errors = parse_region_scores(request.form, BODY_MAP_PREFIX)
    map_errors = {name: message for name, message in errors.items() if name.startswith(f"{BODY_MAP_PREFIX}-")}
    return render_step(
        filler,
        c.PAIN_NOW,
        422,
        listed=listed,
        listed_scores=typed,
        added=added,
        errors=errors,
        map_errors=map_errors,
    )


def review(filler: "Filler", status: int = 200):
    check_in = filler.intake
    return render_step(
        filler,
        c.REVIEW,
        status,
        summary=summarise_check_in(check_in),
        missing=[c.STEP_BY_KEY[key] for key in operations.missing_steps(check_in)],
        urgent_advice_url=(
            filler.url("urgent_advice") if urgent_advice_level(check_in.step_answers(c.RED_FLAGS)) else None
        ),
    )
