"""The chart's message pages (every staff role): email a form link, plan or cancel the next visit."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from intake.auth.access import roles_required
from intake.auth.roles import STAFF
from intake.clinic_time import format_date
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.patients.records import get_patient
from intake.questionnaire.qr import qr_data_uri
from intake.refused import FORM, Refused
from intake.reminders import bp, operations
from intake.reminders.forms import PlanVisitForm, SendLinkForm


def _refusal_page(template: str, patient, form, refused: Refused, **context):
    """Show the form again with each refusal beside its field (the whole-form one above it), as typed."""
    for name, message in refused.errors.items():
        field = getattr(form, name, None) if name != FORM else None
        if field is not None:
            field.errors = [message]
    form_message = refused.errors.get(FORM, "")
    return render_template(template, patient=patient, form=form, form_message=form_message, **context), 422


@bp.route("/links/email", methods=["POST"])
@roles_required(*STAFF)
def send_link(patient_id: int):
    patient = get_patient(patient_id)
    form = SendLinkForm()
    sender = operations.channel_sender()
    context = {"email_ready": sender.is_set_up, "email_not_set_up": sender.not_set_up_reason}
    if not form.validate_on_submit():
        return render_template(
            "reminders/send.html", patient=patient, form=form, form_message="", **context
        ), 422
    try:
        outgoing = operations.send_link_by_message(
            patient,
            purpose=form.purpose.data,
            address=form.address.data,
            save_address=form.save_address.data,
            by=current_user,
        )
    except Refused as refused:
        return _refusal_page("reminders/send.html", patient, form, refused, **context)
    db.session.commit()  # the new link first; then the message, with no transaction open while it is sent
    delivery = operations.deliver(outgoing, sender=sender, by=current_user)
    db.session.commit()
    # The token exists in clear only in this response: the link is shown once, to copy if the email went astray.
    return render_template(
        "reminders/sent.html",
        patient=patient,
        delivery=delivery,
        message=delivery.message,
        qr_uri=qr_data_uri(delivery.link_url),
    )


@bp.route("/planned-visit", methods=["POST"])
@roles_required(*STAFF)
def plan_visit(patient_id: int):
    patient = get_patient(patient_id)
    form = PlanVisitForm()
    if not form.validate_on_submit():
        return render_template("reminders/plan.html", patient=patient, form=form, form_message=""), 422
    try:
        plan = operations.plan_visit(patient, form.visit_on.data, by=current_user)
    except Refused as refused:
        return _refusal_page("reminders/plan.html", patient, form, refused)
    db.session.commit()
    flash(f"Next visit planned for {format_date(plan.visit_on)}.", "success")
    return redirect(url_for("patients.chart", patient_id=patient.id, _anchor="chart-messages"))


@bp.route("/planned-visit/cancel", methods=["POST"])
@roles_required(*STAFF)
def cancel_planned_visit(patient_id: int):
    patient = get_patient(patient_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        plan = operations.cancel_planned_visit(patient, by=current_user)
    except Refused as refused:
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(f"The visit planned for {format_date(plan.visit_on)} is cancelled.", "success")
    return redirect(url_for("patients.chart", patient_id=patient.id, _anchor="chart-messages"))
