"""The audit log for administrators: search, page through, export as CSV."""

import csv
import io

from flask import Response, current_app, render_template, request, stream_with_context

from intake.audit import bp
from intake.audit.models import EXPORT
from intake.audit.operations import record_event
from intake.audit.search import (
    COUNT_CAP,
    AuditSearchForm,
    audit_statement,
    event_page,
    normalize_chart_number,
    patient_names,
)
from intake.audit.wording import log_rows
from intake.auth.access import roles_required
from intake.auth.roles import ACTOR_ROLE_LABELS, ADMIN
from intake.clinic_time import to_clinic_time
from intake.extensions import db
from intake.forms import requested_page
from intake.patients.models import Patient

CSV_COLUMNS = (
    "event_id",
    "time_utc",
    "time_clinic",
    "user_id",
    "user_name",
    "user_role",
    "action",
    "screen",
    "path",
    "chart_number",
    "record_type",
    "record_id",
    "detail",
    "client_ip",
    "row_hash",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/")
@roles_required(ADMIN)
def index():
    form = AuditSearchForm(request.args)
    if not form.validate():
        return render_template("audit/index.html", form=form, events=None, filters={}), 422
    page = requested_page()
    events = event_page(
        audit_statement(form),
        page=page,
        per_page=current_app.config["AUDIT_EVENTS_PER_PAGE"],
        count_cap=current_app.config.get("AUDIT_COUNT_CAP", COUNT_CAP),
    )
    return render_template(
        "audit/index.html",
        form=form,
        events=events,
        filters=form.filter_args(),
        rows=log_rows(events.items, patient_names(events.items), ACTOR_ROLE_LABELS),
    )


@bp.route("/export.csv")
@roles_required(ADMIN)
def export():
    form = AuditSearchForm(request.args)
    if not form.validate():
        return render_template("audit/index.html", form=form, events=None, filters={}), 422
    patient = None
    if form.chart_number.data:
        chart_number = normalize_chart_number(form.chart_number.data)
        patient = db.session.scalar(db.select(Patient).where(Patient.chart_number == chart_number))
    record_event(EXPORT, patient=patient, record_type="audit_log", detail=form.describe())
    db.session.commit()
    statement = audit_statement(form).execution_options(yield_per=500)
    response = Response(stream_with_context(_csv_lines(statement)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _csv_lines(statement):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in db.session.scalars(statement):
        writer.writerow(_safe_cell(value) for value in _csv_row(event))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
    yield buffer.getvalue()


def _csv_row(event) -> tuple:
    return (
        event.id,
        event.occurred_at.isoformat(),
        to_clinic_time(event.occurred_at).isoformat(),
        event.user_id if event.user_id is not None else "",
        event.user_name,
        event.user_role,
        event.action,
        event.endpoint,
        event.path,
        event.chart_number,
        event.record_type,
        event.record_id if event.record_id is not None else "",
        event.detail,
        event.client_ip,
        event.row_hash,
    )


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
