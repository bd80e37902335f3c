"""The questionnaire pages, opened by a patient's link token or a clinic tablet's kiosk grant.

These views are public: the token (or the kiosk grant in the session) is the only key, it
opens only its own intake's pages, and every refused token gets the same page.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from intake import throttle
from intake.auth.access import public
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.pain.bodymap import parse_region_scores
from intake.questionnaire import check_in_pages, grants, identity, link_bp, operations
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import EMERGENCY, SEE_A_DOCTOR, urgent_advice_level
from intake.questionnaire.forms import (
    ComplaintForm,
    ConsentForm,
    ContactForm,
    HealthForm,
    IdentityForm,
    OdiForm,
    PainForm,
    RedFlagsForm,
    StepForm,
)
from intake.questionnaire.models import KIOSK, LINK, Intake, IntakeAccess
from intake.questionnaire.summary import summarise

#: The session key holding a clinic tablet's kiosk token (and nothing else once kiosk mode starts).
KIOSK_SESSION_KEY = "intake_kiosk"
#: The session key listing the grants for which this browser confirmed the patient's date of birth.
IDENTITY_SESSION_KEY = "intake_identity_confirmed"
#: The session key holding when the clinic tablet last made a request that went through (epoch seconds).
KIOSK_LAST_ACTIVITY_KEY = "intake_kiosk_active_at"
BODY_MAP_PREFIX = "pain"
STEP_FORMS: dict[str, type[StepForm]] = {
    q.CONTACT: ContactForm,
    q.COMPLAINT: ComplaintForm,
    q.ODI: OdiForm,
    q.RED_FLAGS: RedFlagsForm,
    q.HEALTH: HealthForm,
}


@dataclass
class Filler:
    """Whoever is filling an intake right now: through a link (token) or on a clinic tablet."""

    grant: IntakeAccess
    token: str | None = None

    @property
    def intake(self) -> Intake:
        return self.grant.intake

    @property
    def is_kiosk(self) -> bool:
        return self.token is None

    def url(self, page: str, **values) -> str:
        """URL of a questionnaire page (``resume``, ``step``, ``submit``) for this filler."""
        if self.is_kiosk:
            return url_for(f"intake_link.kiosk_{page}", **values)
        return url_for(f"intake_link.link_{page}", token=self.token, **values)


def link_unavailable():
    """The one page for every unusable link: no patient data, no hint whether it ever existed."""
    return render_template("questionnaire/link_unavailable.html"), 404


def already_sent():
    """The page of a link whose form was submitted: thanks, the clinic's contact, and nothing of the patient."""
    return render_template("questionnaire/already_sent.html", **clinic_contact()), 200


def clinic_contact() -> dict:
    return {
        "clinic_phone": current_app.config.get("CLINIC_PHONE", ""),
        "clinic_address": current_app.config.get("CLINIC_ADDRESS", ""),
    }


def _token_attempt_key() -> str:
    return f"intake-link:ip:{request.remote_addr or 'unknown'}"


def _identity_confirmed(grant: IntakeAccess) -> bool:
    return grant.id in (session.get(IDENTITY_SESSION_KEY) or [])


def start_kiosk_session(token: str) -> None:
    """Give the handed-over tablet's (emptied) session its grant, starting its inactivity clock."""
    session[KIOSK_SESSION_KEY] = token
    session[KIOSK_LAST_ACTIVITY_KEY] = int(time.time())


def _confirmation_needed(filler: Filler) -> bool:
    return identity.confirmation_needed(
        filler.grant,
        confirmed=_identity_confirmed(filler.grant),
        last_activity=session.get(KIOSK_LAST_ACTIVITY_KEY),
    )


def _require_identity(filler: Filler) -> Filler:
    """Send whoever holds the grant to the date-of-birth check when saved answers need it."""
    if _confirmation_needed(filler):
        abort(redirect(filler.url("confirm")))
    if filler.is_kiosk:
        session[KIOSK_LAST_ACTIVITY_KEY] = int(time.time())
    return filler


def link_filler(token: str, *, check_identity: bool = True) -> Filler:
    """Open the intake behind a link token, or stop with the 'link unavailable' page."""
    key = _token_attempt_key()
    window = timedelta(minutes=current_app.config["INTAKE_TOKEN_WINDOW_MINUTES"])
    if throttle.is_throttled(key, limit=current_app.config["INTAKE_TOKEN_ATTEMPTS"], window=window):
        abort(429)
    grant = grants.open_grant(token, LINK)
    if grant is None:
        submitted = grants.submitted_link(token)
        if submitted is None:
            throttle.record_attempt(key)
        operations.record_refused_grant(LINK, used=submitted is not None)
        db.session.commit()
        abort(make_response(already_sent() if submitted is not None else link_unavailable()))
    filler = Filler(grant=grant, token=token)
    return _require_identity(filler) if check_identity else filler


def kiosk_filler(*, check_identity: bool = True) -> Filler:
    """Open the intake granted to this tablet, or send the tablet to staff sign-in."""
    raw = session.get(KIOSK_SESSION_KEY)
    grant = grants.open_grant(raw, KIOSK)
    if grant is None:
        if raw:
            operations.record_refused_grant(KIOSK)
            db.session.commit()
        session.pop(KIOSK_SESSION_KEY, None)
        flash("Please hand the tablet back to the front desk.", "info")
        abort(redirect(url_for("auth.login")))
    filler = Filler(grant=grant)
    return _require_identity(filler) if check_identity else filler


# --- Routes: the same pages under /i/<token> (a patient's link) and /kiosk (a clinic tablet) ------------


@link_bp.route("/i/<token>")
@public
def link_resume(token: str):
    return resume(link_filler(token))


@link_bp.route("/i/<token>/confirm", methods=["GET", "POST"])
@public
def link_confirm(token: str):
    return confirm_identity(link_filler(token, check_identity=False))


@link_bp.route("/i/<token>/urgent-advice")
@public
def link_urgent_advice(token: str):
    return urgent_advice(link_filler(token))


@link_bp.route("/i/<token>/<step>", methods=["GET", "POST"])
@public
def link_step(token: str, step: str):
    return show_step(link_filler(token), step)


@link_bp.route("/i/<token>/submit", methods=["POST"])
@public
def link_submit(token: str):
    return submit(link_filler(token))


@link_bp.route("/kiosk")
@public
def kiosk_resume():
    return resume(kiosk_filler())


@link_bp.route("/kiosk/confirm", methods=["GET", "POST"])
@public
def kiosk_confirm():
    return confirm_identity(kiosk_filler(check_identity=False))


@link_bp.route("/kiosk/active", methods=["POST"])
@public
def kiosk_active():
    """The tablet's script reports the patient typing or tapping: their inactivity clock starts again."""
    filler = kiosk_filler(check_identity=False)
    if _confirmation_needed(filler):
        return jsonify(active=False, confirm_url=filler.url("confirm")), 409
    session[KIOSK_LAST_ACTIVITY_KEY] = int(time.time())
    return jsonify(active=True)


@link_bp.route("/kiosk/urgent-advice")
@public
def kiosk_urgent_advice():
    return urgent_advice(kiosk_filler())


@link_bp.route("/kiosk/<step>", methods=["GET", "POST"])
@public
def kiosk_step(step: str):
    return show_step(kiosk_filler(), step)


@link_bp.route("/kiosk/submit", methods=["POST"])
@public
def kiosk_submit():
    return submit(kiosk_filler())


@link_bp.route("/intake/thank-you")
@public
def thank_you():
    return render_template("questionnaire/thank_you.html", check_in=False, **clinic_contact())


@link_bp.route("/check-in/thank-you")
@public
def check_in_thank_you():
    return render_template("questionnaire/thank_you.html", check_in=True, **clinic_contact())


# --- Pages ------------------------------------------------------------------------------


def resume(filler: Filler):
    """Carry on where the patient left off."""
    return redirect(filler.url("step", step=operations.first_unfinished_step(filler.intake)))


def confirm_identity(filler: Filler):
    """Ask for the patient's date of birth before showing answers saved earlier (or after a tablet idled)."""
    grant = filler.grant
    if not _confirmation_needed(filler):
        return redirect(filler.url("resume"))
    form = IdentityForm()
    status = 200
    if form.validate_on_submit():
        try:
            operations.confirm_identity(grant, form.date_of_birth.data)
        except operations.IdentityNotConfirmed as refused:
            db.session.commit()  # the wrong date counts towards the limit and is in the trail
            form.date_of_birth.errors = [*refused.errors.values()]
            status = 429 if isinstance(refused, operations.IdentityTriesExhausted) else 422
        else:
            db.session.commit()
            session[IDENTITY_SESSION_KEY] = [*(session.get(IDENTITY_SESSION_KEY) or []), grant.id]
            if filler.is_kiosk:
                session[KIOSK_LAST_ACTIVITY_KEY] = int(time.time())
            return redirect(filler.url("resume"))
    elif form.errors:
        status = 422
    return (
        render_template(
            "questionnaire/confirm_identity.html",
            filler=filler,
            form=form,
            idle=identity.kiosk_left_idle(grant, session.get(KIOSK_LAST_ACTIVITY_KEY)),
        ),
        status,
    )


def show_step(filler: Filler, step: str):
    if filler.intake.is_check_in:
        return check_in_pages.show_step(filler, step)
    if step not in q.STEP_BY_KEY:
        abort(404)
    if request.method == "GET":  # each step shows what is saved (the contact step, the chart's details)
        operations.record_step_viewed(filler.grant, step)
        db.session.commit()
    if step == q.REVIEW:
        return review(filler)
    if step == q.PAIN:
        return pain_step(filler)
    if step == q.CONSENT:
        return consent_step(filler)
    return form_step(filler, step)


def render_step(filler: Filler, step: str, status: int = 200, **context):
    return (
        render_template(
            f"questionnaire/steps/{step}.html",
            filler=filler,
            intake=filler.intake,
            patient=filler.intake.patient,
            step=q.STEP_BY_KEY[step],
            step_number=q.step_number(step),
            step_count=len(q.STEPS),
            kiosk_idle_seconds=int(identity.kiosk_idle_limit().total_seconds()),
            back_url=filler.url("step", step=q.previous_step(step)) if q.previous_step(step) else None,
            questionnaire=q,
            **context,
        ),
        status,
    )


def _saved(filler: Filler, step: str):
    db.session.commit()
    return redirect(filler.url("step", step=q.next_step(step)))


def form_step(filler: Filler, step: str):
    form_class = STEP_FORMS[step]
    saved = operations.answers_to_show(filler.intake, step)
    form = form_class() if request.method == "POST" else form_class.from_answers(saved)
    if form.validate_on_submit():
        answers = form.answers()
        operations.save_answers(filler.grant, step, answers)
        if step == q.RED_FLAGS and urgent_advice_level(answers):
            db.session.commit()
            return redirect(filler.url("urgent_advice"))  # before anything else: what to do now
        return _saved(filler, step)
    return render_step(filler, step, 422 if form.errors else 200, form=form)


URGENT_ADVICE_SETTINGS = {EMERGENCY: "URGENT_ADVICE_EMERGENCY", SEE_A_DOCTOR: "URGENT_ADVICE_SEE_A_DOCTOR"}


def urgent_advice(filler: Filler):
    """Tell the patient, in plain words, what their red-flag answers mean they should do now."""
    level = urgent_advice_level(filler.intake.step_answers(q.RED_FLAGS))
    after = q.next_step(q.RED_FLAGS, c.STEPS if filler.intake.is_check_in else q.STEPS)
    if level is None:
        return redirect(filler.url("step", step=after))
    operations.record_urgent_advice_shown(filler.grant, level)
    db.session.commit()
    return render_template(
        "questionnaire/urgent_advice.html",
        filler=filler,
        level=level,
        is_emergency=level == EMERGENCY,
        advice=current_app.config[URGENT_ADVICE_SETTINGS[level]],
        continue_url=filler.url("step", step=after),
        back_url=filler.url("step", step=q.RED_FLAGS),
        kiosk_idle_seconds=int(identity.kiosk_idle_limit().total_seconds()),
    )


def pain_step(filler: Filler):
    saved = filler.intake.step_answers(q.PAIN)
    if request.method != "POST":
        form = PainForm.from_answers(saved)
        return render_step(filler, q.PAIN, form=form, scores=saved.get("regions") or {}, map_errors={})
    form = PainForm()
    scores, map_errors = parse_region_scores(request.form, BODY_MAP_PREFIX)
    if form.validate_on_submit() and not map_errors:
        operations.save_answers(filler.grant, q.PAIN, {"regions": scores, **form.answers()})
        return _saved(filler, q.PAIN)
    return render_step(filler, q.PAIN, 422, form=form, scores=scores, map_errors=map_errors)


def consent_step(filler: Filler):
    intake = filler.intake
    form = ConsentForm()
    if request.method != "POST" and intake.consent_signed_at:
        form = ConsentForm(
            data={
                "agree": True,
                "privacy_acknowledged": True,
                "full_name": intake.consent_name,
                "signature_path": intake.signature_path or "",
                "signature_typed": intake.signature_typed or "",
            }
        )
    if form.validate_on_submit():
        operations.sign_consent(
            filler.grant,
            full_name=form.full_name.data,
            signature_path=(form.signature_path.data or "").strip() or None,
            signature_typed=form.signature_typed.data,
            version=current_app.config["INTAKE_CONSENT_VERSION"],
            text=current_app.config["INTAKE_CONSENT_TEXT"],
            client_ip=request.remote_addr,
        )
        return _saved(filler, q.CONSENT)
    return render_step(
        filler,
        q.CONSENT,
        422 if form.errors else 200,
        form=form,
        consent_text=current_app.config["INTAKE_CONSENT_TEXT"],
        privacy_text=current_app.config["INTAKE_PRIVACY_TEXT"],
    )


def review(filler: Filler, status: int = 200):
    intake = filler.intake
    return render_step(
        filler,
        q.REVIEW,
        status,
        summary=summarise(intake, intake.patient),
        missing=[q.STEP_BY_KEY[key] for key in operations.missing_steps(intake)],
        urgent_advice_url=(
            filler.url("urgent_advice") if urgent_advice_level(intake.step_answers(q.RED_FLAGS)) else None
        ),
    )


def submit(filler: Filler):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    check_in = filler.intake.is_check_in
    try:
        operations.submit_answers(filler.grant)
    except operations.IntakeIncomplete:
        flash("Some steps are not finished yet; they are listed below.", "error")
        return check_in_pages.review(filler, 422) if check_in else review(filler, 422)
    db.session.commit()
    if filler.is_kiosk:
        # The tablet keeps nothing: the next person needs a staff sign-in to reach anything.
        session.clear()
    return redirect(url_for("intake_link.check_in_thank_you" if check_in else "intake_link.thank_you"))
