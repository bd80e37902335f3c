"""Patient list, create, edit, archive, and the chart page."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import STAFF
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.patients import bp, operations
from intake.patients.chart import ACTIONS, HEADER, chart_parts, placed, sections_for
from intake.patients.duplicates import merge_links
from intake.patients.forms import PatientForm, PatientSearchForm
from intake.patients.models import Patient
from intake.patients.records import get_patient
from intake.patients.search import COUNT_CAP, LIST_WALK_FROM, patient_page, patient_search
from intake.refused import Refused


@bp.route("/")
@roles_required(*STAFF)
def index():
    form = PatientSearchForm(request.args)
    show_archived = request.args.get("archived") == "1"
    query = (form.q.data or "").strip() if form.validate() else ""
    patients = patient_page(
        patient_search(query),
        per_page=current_app.config["PATIENTS_PER_PAGE"],
        show_archived=show_archived,
        after=request.args.get("after", type=int),
        before=request.args.get("before", type=int),
        count_cap=current_app.config.get("PATIENT_COUNT_CAP", COUNT_CAP),
        list_walk_from=current_app.config.get("PATIENT_LIST_WALK_FROM", LIST_WALK_FROM),
    )
    return render_template(
        "patients/index.html", form=form, patients=patients, query=query, show_archived=show_archived
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def create():
    form = PatientForm()
    if form.validate_on_submit():
        try:
            patient = operations.register_patient(
                form.demographics(), by=current_user, duplicates_seen=form.seen_duplicates()
            )
        except operations.PossibleDuplicates as found:
            return _form_with_duplicates(form, None, found)
        db.session.commit()
        flash(f"Created chart {patient.chart_number} for {patient.spoken_name}.", "success")
        if request.form.get("then") == "intake":  # "Save and start intake"
            return redirect(url_for("intake.start", patient_id=patient.id))
        return redirect(url_for("patients.chart", patient_id=patient.id))
    return render_template("patients/form.html", form=form, patient=None), 422 if form.errors else 200


def _form_with_duplicates(form: PatientForm, patient: Patient | None, found: "operations.PossibleDuplicates"):
    """Show the form again as typed, with the charts that may be the same person and a way to go on anyway.

    The matches show what the patient list shows of a chart (number, name, birth date), which records no view.
    """
    form.show_duplicates(match.patient.id for match in found.matches)
    return render_template("patients/form.html", form=form, patient=patient, duplicates=found.matches)


@bp.route("/<int:patient_id>")
@roles_required(*STAFF)
def chart(patient_id: int):
    patient = get_patient(patient_id)
    record_event(audit.VIEW, patient=patient, record_type="patient", record_id=patient.id)
    db.session.commit()
    loaded = [(section, section.load(patient)) for section in sections_for(current_user.role)]
    return render_template(
        "patients/chart.html",
        patient=patient,
        age=patient.age_on(clinic_today()),
        header_sections=placed(loaded, HEADER),
        action_sections=placed(loaded, ACTIONS),
        parts=chart_parts(loaded),
        confirm_form=ConfirmForm(),
        merges=merge_links(patient),
    )


@bp.route("/<int:patient_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(patient_id: int):
    patient = get_patient(patient_id)
    form = PatientForm(obj=patient)
    if request.method == "GET":  # the form shows the patient's details: a view
        record_event(audit.VIEW, patient=patient, record_type="patient", record_id=patient.id)
        db.session.commit()
    if form.validate_on_submit():
        try:
            operations.edit_patient(patient, form.demographics(), duplicates_seen=form.seen_duplicates())
        except operations.PossibleDuplicates as found:
            return _form_with_duplicates(form, patient, found)
        db.session.commit()
        flash(f"Saved {patient.spoken_name}'s details.", "success")
        return redirect(url_for("patients.chart", patient_id=patient.id))
    return render_template("patients/form.html", form=form, patient=patient), 422 if form.errors else 200


@bp.route("/<int:patient_id>/archive/confirm")
@roles_required(*STAFF)
def confirm_archive(patient_id: int):
    """Ask first: say what archiving does (and that it can be undone), with the button that archives."""
    patient = get_patient(patient_id)
    if patient.is_archived:
        return redirect(url_for("patients.chart", patient_id=patient.id))
    record_event(audit.VIEW, patient=patient, record_type="patient", record_id=patient.id)
    db.session.commit()
    return render_template("patients/archive.html", patient=patient, confirm_form=ConfirmForm())


@bp.route("/<int:patient_id>/archive", methods=["POST"])
@roles_required(*STAFF)
def archive(patient_id: int):
    return _set_archived(patient_id, operations.archive_patient, "archived; their chart is kept")


@bp.route("/<int:patient_id>/restore", methods=["POST"])
@roles_required(*STAFF)
def restore(patient_id: int):
    return _set_archived(patient_id, operations.restore_patient, "restored to the patient list")


def _set_archived(patient_id: int, change, outcome: str):
    patient = get_patient(patient_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(patient)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("patients.chart", patient_id=patient.id))
    db.session.commit()
    flash(f"{patient.spoken_name} {outcome}.", "success")
    return redirect(url_for("patients.chart", patient_id=patient.id))
