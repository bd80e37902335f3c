"""Visit note pages: start, write (with autosave), sign, read and print, amend; the point picker; protocols."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL, PRACTITIONER
from intake.clinic_time import format_datetime, to_clinic_time
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.patients.records import get_patient
from intake.questionnaire.alerts import patient_alerts
from intake.refused import Refused
from intake.visits import bp, operations
from intake.visits.check_in import check_in_marks, visit_prefill
from intake.visits.display import describe_changes, note_sections
from intake.visits.forms import (
    FOLDS,
    KIND_PARTS,
    AmendmentForm,
    VisitNoteForm,
    form_data_for,
    open_folds,
    read_note_form,
    whole_number,
)
from intake.visits.models import PointProtocol, Visit
from intake.visits.note_fields import NOT_REPEATED_FROM_LAST_VISIT
from intake.visits.note_read import shown_visit
from intake.visits.note_record import effective_note, read_note
from intake.visits.points import all_points, search_points
from intake.visits.safety import alert_codes, cautions_for
from intake.visits.vocabulary import (
    CAUTION_LABELS,
    INTENSITY_LABELS,
    SIDE_LABELS,
    TCM_PATTERN_SUGGESTIONS,
    TECHNIQUE_LABELS,
)

BLANK_POINT_ROWS = 3
NOTE_URL = "/patients/<int:patient_id>/visits/<int:visit_id>"


def get_visit(patient_id: int, visit_id: int) -> Visit:
    """Fetch a visit of the patient in the URL, or 404."""
    visit = db.session.get(
        Visit, visit_id, options=[selectinload(Visit.points), selectinload(Visit.amendments)]
    )
    if visit is None or visit.patient_id != patient_id:
        abort(404)
    return visit


def _record(action: str, visit: Visit, detail: str = "") -> None:
    record_event(action, patient=visit.patient, record_type="visit", record_id=visit.id, detail=detail)


def _writable_visit(patient_id: int, visit_id: int) -> Visit:
    visit = get_visit(patient_id, visit_id)
    if not operations.may_write(visit, current_user):
        abort(403)
    return visit


@bp.route("/patients/<int:patient_id>/visits", methods=["POST"])
@roles_required(PRACTITIONER)
def start(patient_id: int):
    patient = get_patient(patient_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        visit = operations.start_visit(patient, current_user)
    except operations.PatientArchived as refused:
        flash(refused.message, "error")
        return redirect(url_for("patients.chart", patient_id=patient.id))
    db.session.commit()
    return redirect(url_for("visits.edit", patient_id=patient.id, visit_id=visit.id))


@bp.route(NOTE_URL)
@roles_required(*CLINICAL)
def show(patient_id: int, visit_id: int):
    visit = shown_visit(patient_id, visit_id)
    if visit is None:
        abort(404)
    # Drawn before the commit that records the look: the page is read in one transaction.
    html = render_template(
        "visits/show.html",
        visit=visit,
        patient=visit.patient,
        sections=note_sections(read_note(visit)),
        amended=_amended_fields(visit),
        alerts=patient_alerts(patient_id),
        may_write=operations.may_write(visit, current_user),
    )
    _record(audit.VIEW, visit)
    db.session.commit()
    return html


def _amended_fields(visit: Visit) -> dict[str, list[tuple[int, str]]]:
    """Return, per field label, each amendment's number and the value it set (shown beside the original)."""
    amended: dict[str, list[tuple[int, str]]] = {}
    for number, amendment in enumerate(visit.amendments, start=1):
        for label, _before, after in amendment.changes:
            amended.setdefault(label, []).append((number, after))
    return amended


def _form_context() -> dict:
    """What every note form page needs besides the form: vocabularies and the point list."""
    points = all_points()
    return {
        "points": points,
        "point_names": {p.code: f"{p.pinyin} · {p.english}" for p in points},
        "side_choices": list(SIDE_LABELS.items()),
        "technique_choices": list(TECHNIQUE_LABELS.items()),
        "intensity_choices": list(INTENSITY_LABELS.items()),
        "tcm_patterns": TCM_PATTERN_SUGGESTIONS,
        "caution_labels": CAUTION_LABELS,
        "fold_kinds": {
            part: " ".join(kind for kind, parts in KIND_PARTS.items() if part in parts) for part in FOLDS
        },
    }


@bp.route(NOTE_URL + "/edit", methods=["GET", "POST"])
@roles_required(PRACTITIONER)
def edit(patient_id: int, visit_id: int):
    visit = _writable_visit(patient_id, visit_id)
    if visit.is_signed:
        flash("This note is signed and locked. Changes are made as amendments.", "info")
        return redirect(url_for("visits.amend", patient_id=patient_id, visit_id=visit_id))
    if request.method == "GET":
        _record(audit.VIEW, visit, "note form")
        db.session.commit()
        note = read_note(visit)
        form = VisitNoteForm(data=form_data_for(note, visit.version))
        return _render_note(visit, form, note)
    form = VisitNoteForm()
    submitted, pain_errors = read_note_form(form, request.form)
    if submitted is None:
        return _render_note(visit, form, None, pain_errors=pain_errors, status=422)
    return _save_and_act(visit, form, submitted)


def _save_and_act(visit: Visit, form: VisitNoteForm, note: dict):
    """Save the typed note, then do what the pressed button asked (sign, copy, protocols)."""
    alerts = alert_codes(visit.patient_id)
    protocol_id = _chosen_protocol_id()
    try:
        operations.save_draft(
            visit,
            note,
            base_version=form.base_version(),
            user=current_user,
            alerts=alerts,
            apply_protocol_id=protocol_id,
        )
        db.session.commit()
    except operations.ProtocolNotFound:
        abort(404)
    except Refused as refused:
        db.session.rollback()
        return _render_note(visit, form, note, refused=refused.errors, status=422)
    except operations.StaleNote as stale:
        db.session.rollback()
        return _render_conflict(visit, form, stale.yours)
    except StaleDataError:
        db.session.rollback()
        return _render_conflict(visit, form, note)
    form.version.data = str(visit.version)
    action = request.form.get("action", "save")
    if action == "sign":
        return _sign(visit, form, alerts)
    if action == "copy_last":
        return _copy_last(visit)
    if action == "save_protocol":
        return _save_protocol(visit, form, note)
    if protocol_id is not None:
        flash(
            f"Added the points of “{db.get_or_404(PointProtocol, protocol_id).name}”. Adjust them as needed.",
            "success",
        )
    else:
        flash("Draft saved.", "success")
    return redirect(url_for("visits.edit", patient_id=visit.patient_id, visit_id=visit.id))


def _chosen_protocol_id() -> int | None:
    """Return the id of the protocol the pressed "Apply" button names (None when none was pressed)."""
    chosen = request.form.get("apply_protocol", "")
    if not chosen:
        return None
    number = whole_number(chosen)
    if number is None:
        abort(404)
    return number


def _sign(visit: Visit, form: VisitNoteForm, alerts: set[str]):
    try:
        operations.sign_visit(visit, current_user, alerts=alerts)
    except Refused as refused:
        db.session.rollback()
        flash("The draft is saved, but not signed yet: see what to fix below.", "warning")
        return _render_note(visit, form, read_note(visit), refused=refused.errors, status=422)
    db.session.commit()
    flash(f"Signed by {visit.signed_name} and locked.", "success")
    return redirect(url_for("visits.show", patient_id=visit.patient_id, visit_id=visit.id))


def _copy_last(visit: Visit):
    result = operations.copy_from_last_visit(visit, current_user)
    if result is None:
        flash("This is the patient's first visit: there is nothing to copy.", "info")
        return redirect(url_for("visits.edit", patient_id=visit.patient_id, visit_id=visit.id))
    db.session.commit()
    flash(copy_message(result), "success" if result.copied else "info")
    return redirect(url_for("visits.edit", patient_id=visit.patient_id, visit_id=visit.id))


def copy_message(result: operations.CopiedFromLastVisit) -> str:
    """Say what "Copy from last visit" copied, what it left as written, and what it never copies."""
    when = format_datetime(result.last.visit_at)
    if result.copied:
        said = f"Copied from the visit on {when}: {_words(result.copied)}."
    else:
        said = f"Nothing to copy from the visit on {when}: its repeated fields are blank or already here."
    if result.kept:
        said += f" Kept what you had written for {_words(result.kept)}."
    never = [group for group, _names in NOT_REPEATED_FROM_LAST_VISIT if group != "the date and time"]
    return f"{said} Not copied: {_words([*never, 'the signature'])}."


def _words(groups) -> str:
    groups = list(groups)
    return groups[0] if len(groups) == 1 else f"{', '.join(groups[:-1])} and {groups[-1]}"


def _save_protocol(visit: Visit, form: VisitNoteForm, note: dict):
    try:
        protocol = operations.save_protocol(
            current_user, form.protocol_name.data or "", note["points"], from_visit=visit
        )
    except Refused as refused:
        db.session.rollback()
        return _render_note(visit, form, note, refused=refused.errors, status=422)
    db.session.commit()
    flash(f"Saved the protocol “{protocol.name}”.", "success")
    return redirect(url_for("visits.edit", patient_id=visit.patient_id, visit_id=visit.id))


@bp.route(NOTE_URL + "/autosave", methods=["POST"])
@roles_required(PRACTITIONER)
def autosave(patient_id: int, visit_id: int):
    visit = get_visit(patient_id, visit_id)
    if not operations.may_write(visit, current_user):
        return jsonify(status="forbidden", message="Only the visit's practitioner writes this note."), 403
    if visit.is_signed:
        return jsonify(
            status="locked", message="This note is signed and locked; add an amendment instead."
        ), 409
    form = VisitNoteForm()
    note, pain_errors = read_note_form(form, request.form)
    if note is None:
        return jsonify(status="invalid", errors={**flat_errors(form), **pain_errors}), 422
    try:
        # One "edit" event per autosave that changed the draft: the trail shows each save, as it happened.
        changed = operations.save_draft(
            visit,
            note,
            base_version=form.base_version(),
            user=current_user,
            alerts=alert_codes(visit.patient_id),
            detail="autosave",
        )
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        return jsonify(status="invalid", errors=refused.errors), 422
    except (operations.StaleNote, StaleDataError):
        db.session.rollback()
        visit = get_visit(patient_id, visit_id)
        return jsonify(_conflict_payload(visit, note)), 409
    return jsonify(
        status="saved" if changed else "unchanged", version=visit.version, saved_at=_saved_at(visit)
    )


def _saved_at(visit: Visit) -> str:
    return format_datetime(visit.updated_at or visit.created_at)


def _conflict_payload(visit: Visit, yours: dict) -> dict:
    return {
        "status": "conflict",
        "version": visit.version,
        "saved_at": _saved_at(visit),
        "changes": describe_changes(read_note(visit), yours),
    }


def flat_errors(form) -> dict[str, str]:
    """Return the first error of every field, keyed by the field's id (nested rows included)."""
    errors = {}
    for field in form:
        if hasattr(field, "entries"):
            for entry in field.entries:
                errors.update(flat_errors(entry.form))
        elif field.errors:
            errors[field.id] = field.errors[0]
    return errors


def _render_conflict(visit: Visit, form: VisitNoteForm, yours: dict):
    visit = get_visit(visit.patient_id, visit.id)
    conflict = _conflict_payload(visit, yours)
    # Saving this page again keeps the practitioner's version over the other one, knowingly.
    form.version.data = str(visit.version)
    return _render_note(visit, form, yours, conflict=conflict, status=409)


def _render_note(visit, form, note, *, pain_errors=None, refused=None, conflict=None, status=200):
    """Show the note form: the typed values are kept, errors sit beside their fields."""
    _show_refusal(form, refused)
    if request.method == "GET":
        for _ in range(BLANK_POINT_ROWS):
            form.points.append_entry()
        if not form.electro_pairs.entries:
            form.electro_pairs.append_entry()
    alerts = patient_alerts(visit.patient_id)
    alert_set = {alert.code for alert in alerts}
    protocols = operations.protocols_of(current_user)
    page = render_template(
        "visits/edit.html",
        visit=visit,
        patient=visit.patient,
        form=form,
        pain_before=note["pain_before"] if note else _typed_pain("pain_before"),
        pain_after=note["pain_after"] if note else _typed_pain("pain_after"),
        pain_errors=pain_errors or {},
        alerts=alerts,
        cautions=cautions_for(alert_set, note) if note else [],
        caution_alerts=alert_set,
        signing_problems=operations.signing_problems(note, alert_set) if note else {},
        protocols=protocols,
        protocol_points={
            p.id: [{"code": pp.code, "side": pp.side, "technique": pp.technique} for pp in p.points]
            for p in protocols
        },
        has_previous=operations.previous_visit(visit) is not None,
        conflict=conflict,
        open_parts=open_folds(form),
        from_check_in=_check_in_marks(visit, note),
        **_form_context(),
    )
    return page, status


def _check_in_marks(visit, note) -> dict[str, str]:
    """The fields of a draft that still hold what the patient's check-in of the visit's day gave them."""
    if note is None or visit.is_signed:
        return {}
    return check_in_marks(note, visit_prefill(visit.patient_id, to_clinic_time(visit.visit_at).date()))


def _typed_pain(prefix: str) -> dict:
    start = f"{prefix}-"
    return {
        key[len(start) :]: value for key, value in request.form.items() if key.startswith(start) and value
    }


@bp.route(NOTE_URL + "/amend", methods=["GET", "POST"])
@roles_required(PRACTITIONER)
def amend(patient_id: int, visit_id: int):
    visit = _writable_visit(patient_id, visit_id)
    if not visit.is_signed:
        return redirect(url_for("visits.edit", patient_id=patient_id, visit_id=visit_id))
    if request.method == "GET":
        _record(audit.VIEW, visit, "amendment form")
        db.session.commit()
        note = effective_note(visit)
        form = AmendmentForm(data=form_data_for(note, None))
        return _render_amend(visit, form, note)
    form = AmendmentForm()
    submitted, pain_errors = read_note_form(form, request.form)
    if submitted is None:
        return _render_amend(visit, form, None, pain_errors=pain_errors, status=422)
    try:
        operations.amend_visit(
            visit,
            submitted,
            reason=form.reason.data or "",
            user=current_user,
            alerts=alert_codes(visit.patient_id),
        )
    except Refused as refused:
        db.session.rollback()
        return _render_amend(visit, form, submitted, refused=refused.errors, status=422)
    db.session.commit()
    flash("Amendment recorded beside the signed note.", "success")
    return redirect(url_for("visits.show", patient_id=patient_id, visit_id=visit_id))


def _show_refusal(form, refused: dict[str, str] | None) -> None:
    """Put each refusal beside its field; one about a field the page does not show becomes a flash."""
    for name, message in (refused or {}).items():
        if name in form and form[name].type != "HiddenField":
            form[name].errors = list(form[name].errors) + [message]
        else:
            flash(message, "error")


def _render_amend(visit, form, note, *, pain_errors=None, refused=None, status=200):
    _show_refusal(form, refused)
    if request.method == "GET":
        form.points.append_entry()
        if not form.electro_pairs.entries:
            form.electro_pairs.append_entry()
    alerts = patient_alerts(visit.patient_id)
    page = render_template(
        "visits/amend.html",
        visit=visit,
        patient=visit.patient,
        form=form,
        pain_before=note["pain_before"] if note else _typed_pain("pain_before"),
        pain_after=note["pain_after"] if note else _typed_pain("pain_after"),
        pain_errors=pain_errors or {},
        alerts=alerts,
        caution_alerts={alert.code for alert in alerts},
        open_parts=open_folds(form),
        **_form_context(),
    )
    return page, status


@bp.route("/visits/points")
@roles_required(*CLINICAL)
def point_search():
    query = (request.args.get("q") or "").strip()[:60]
    found = search_points(query)
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(
            query=query,
            points=[
                {
                    "code": p.code,
                    "pinyin": p.pinyin,
                    "hanzi": p.hanzi,
                    "english": p.english,
                    "midline": p.is_midline,
                    "label": p.label,
                }
                for p in found
            ],
        )
    if request.args.get("fragment"):
        return render_template("visits/_point_results.html", query=query, found=found)
    return render_template("visits/point_search.html", query=query, found=found)


@bp.route("/visits/protocols")
@roles_required(PRACTITIONER)
def protocols():
    return render_template("visits/protocols.html", protocols=operations.protocols_of(current_user))


@bp.route("/visits/protocols/<int:protocol_id>/archive", methods=["POST"])
@roles_required(PRACTITIONER)
def archive_protocol(protocol_id: int):
    try:
        protocol = operations.find_protocol(protocol_id, current_user, in_use=False)
    except operations.ProtocolNotFound:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.archive_protocol(protocol, current_user)
    db.session.commit()
    flash(
        f"Removed the protocol “{protocol.name}” from your list (notes that used it keep their points).",
        "success",
    )
    return redirect(url_for("visits.protocols"))
