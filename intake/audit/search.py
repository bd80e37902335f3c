"""Searching the audit trail: every filter and sort order is from a fixed list."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from intake.audit.models import ACTION_LABELS, AuditEvent
from intake.auth.models import User
from intake.clinic_time import clinic_local_to_utc
from intake.extensions import db
from intake.paging import NumberedPage
from intake.patients.models import Patient, display_name

#: The audit log counts matching events up to this many, then says "more than": a trail of a million rows is
#: not counted on every page (the app's config may set AUDIT_COUNT_CAP).
COUNT_CAP = 10_000

CHART_NUMBER = re.compile(r"^c?-?0*(\d{1,6})$", re.IGNORECASE)
ORDERS = {"newest": (AuditEvent.id.desc(),), "oldest": (AuditEvent.id.asc(),)}
#: Between dates, for one staff member or for one chart the events are read in time order along the time index,
#: the staff member's or the patient's (ties by id). In id order a date long ago meant walking back through every
#: later event, a practitioner's half a million events were sorted to show fifty, and on PostgreSQL (whose index on
#: the chart number does not hold the id) every event of a fifteen-year chart was read to show its newest fifty. An
#: action between dates is read along ix_audit_event_action_time (action, time, id). An action's events without
#: dates (alone or with a staff member) keep id order, the order of their index.
TIME_ORDERS = {
    "newest": (AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
    "oldest": (AuditEvent.occurred_at.asc(), AuditEvent.id.asc()),
}
FILTER_NAMES = ("chart_number", "user_id", "action", "date_from", "date_to", "order")


def normalize_chart_number(text: str) -> str | None:
    """Return 'C-001001' for 'C-001001', 'c1001' or '1001'; None when it cannot be a chart number."""
    match = CHART_NUMBER.match((text or "").strip())
    return f"C-{int(match.group(1)):06d}" if match else None


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    chart_number = StringField(
        "Patient chart number",
        validators=[Optional(), Length(max=12, message="A chart number is like C-001001.")],
    )
    user_id = SelectField("Staff member", choices=[("", "Anyone")], default="")
    action = SelectField("Action", choices=[("", "Any action"), *ACTION_LABELS.items()], default="")
    date_from = DateField("From date", validators=[Optional()])
    date_to = DateField("To date", validators=[Optional()])
    order = SelectField(
        "Order", choices=[("newest", "Newest first"), ("oldest", "Oldest first")], default="newest"
    )
    submit = SubmitField("Search the audit log")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = db.session.execute(db.select(User.id, User.full_name).order_by(User.full_name, User.id)).all()
        self.user_id.choices = [("", "Anyone"), *((str(u.id), u.full_name) for u in users)]

    def validate_chart_number(self, field):
        if field.data and normalize_chart_number(field.data) is None:
            raise ValidationError("Enter a chart number like C-001001.")

    def validate_date_from(self, field):
        _check_year(field.data)

    def validate_date_to(self, field):
        _check_year(field.data)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be on or after the 'from' date.")

    def filter_args(self) -> dict:
        """Return the filters in use, as URL query arguments (for pagination and export links)."""
        values = {}
        for name in FILTER_NAMES:
            value = self[name].data
            if value not in (None, ""):
                values[name] = value.isoformat() if hasattr(value, "isoformat") else value
        if values.get("order") == "newest":
            del values["order"]
        return values

    def describe(self) -> str:
        """Return the filters in words, for the audit entry of an export."""
        return ", ".join(f"{k}={v}" for k, v in self.filter_args().items()) or "no filters"


def _check_year(day) -> None:
    if day is not None and not 2000 <= day.year <= 2999:
        raise ValidationError("Enter a date between the years 2000 and 2999.")


def _chart_patient_id(text: str):
    """SQL: the id of the patient whose chart number ``text`` is (none when no chart has it).

    Every event that names a patient records the patient's id and chart number together
    (``operations.record_event``) and a chart number is given once, never changed: a chart's events are
    its patient's, found along the patient's index in time order.
    """
    chart_number = normalize_chart_number(text)
    return db.select(Patient.id).where(Patient.chart_number == chart_number).scalar_subquery()


def audit_statement(form: AuditSearchForm):
    """Return the SELECT for the events matching a validated search form."""
    statement = db.select(AuditEvent)
    if form.chart_number.data:
        statement = statement.where(AuditEvent.patient_id == _chart_patient_id(form.chart_number.data))
    if form.user_id.data:
        statement = statement.where(AuditEvent.user_id == int(form.user_id.data))
    if form.action.data:
        statement = statement.where(AuditEvent.action == form.action.data)
    if form.date_from.data:
        start = clinic_local_to_utc(datetime.combine(form.date_from.data, time.min))
        statement = statement.where(AuditEvent.occurred_at >= start)
    if form.date_to.data:
        end = clinic_local_to_utc(datetime.combine(form.date_to.data + timedelta(days=1), time.min))
        statement = statement.where(AuditEvent.occurred_at < end)
    between_dates = form.date_from.data or form.date_to.data
    if form.chart_number.data:
        by_time = True  # along ix_audit_event_patient_time (patient, time)
    elif form.action.data:
        by_time = bool(between_dates)  # along ix_audit_event_action_time; else the action's index, id order
    else:
        by_time = bool(form.user_id.data or between_dates)
    orders = TIME_ORDERS if by_time else ORDERS
    return statement.order_by(*orders.get(form.order.data, orders["newest"]))


class EventRow(NamedTuple):
    """What a row of the audit log shows: the page reads these columns as plain rows, not whole events (their hashes).

    A named tuple, not the database's row: the page's wording reads each row's fields a dozen times, and a
    tuple's field costs a fraction of a row's attribute lookup.
    """

    id: int
    occurred_at: datetime
    user_name: str
    user_role: str
    action: str
    endpoint: str
    patient_id: int | None
    chart_number: str
    record_type: str
    record_id: int | None
    detail: str
    client_ip: str


#: The columns of ``EventRow``, in its order.
PAGE_COLUMNS = tuple(getattr(AuditEvent, name) for name in EventRow._fields)


@dataclass(frozen=True)
class EventPage(NumberedPage):
    """One page of events, the count of matches up to a cap, and where the pager may go."""

    items: list[EventRow]
    page: int
    per_page: int
    total: int  # exact when not ``total_is_capped``, else the cap
    total_is_capped: bool
    has_next: bool

    @property
    def pages(self) -> int | None:
        """The number of pages, or None when the count stopped at the cap."""
        if self.total_is_capped:
            return None
        return max(1, -(-self.total // self.per_page))


def _capped_count(statement, cap: int):
    """SQL: ``cap + 1`` when more than ``cap`` events match, else how many do, in one statement.

    Whether a match lies beyond the cap is asked first (one step along an index to the cap-th entry, no
    counting); only a count within the cap is counted, so the page never counts more than ``cap`` rows.
    """
    # A constant, not the id: PostgreSQL's indexes (but the primary key's) do not hold the id, so asking for it
    # would read every matching row from the table instead of the index alone. Still from the trail, filtered
    # or not (a constant alone names no table).
    matching = statement.order_by(None).with_only_columns(db.literal_column("1"), maintain_column_froms=True)
    beyond_cap = matching.limit(1).offset(cap).exists()
    counted = db.select(db.func.count()).select_from(matching.subquery()).scalar_subquery()
    return db.select(db.case((beyond_cap, cap + 1), else_=counted))


def event_page(statement, *, page: int, per_page: int, count_cap: int = COUNT_CAP) -> EventPage:
    """Fetch one page (and one row more, to know if another follows) and count the matches up to ``count_cap``."""
    shown = statement.with_only_columns(*PAGE_COLUMNS).limit(per_page + 1).offset((page - 1) * per_page)
    rows = [EventRow._make(row) for row in db.session.execute(shown)]
    counted = db.session.scalar(_capped_count(statement, count_cap)) or 0
    return EventPage(
        items=rows[:per_page],
        page=page,
        per_page=per_page,
        total=min(counted, count_cap),
        total_is_capped=counted > count_cap,
        has_next=len(rows) > per_page,
    )


def patient_names(events: list[EventRow]) -> dict[int, str]:
    """Return the name of each patient the events name, by id, in one query (not one per row)."""
    ids = {event.patient_id for event in events if event.patient_id is not None}
    if not ids:
        return {}
    # Plain rows, not patients, named by the patients' own rule.
    rows = db.session.execute(
        db.select(Patient.id, Patient.first_name, Patient.last_name, Patient.preferred_name).where(
            Patient.id.in_(ids)
        )
    )
    return {row.id: display_name(row.last_name, row.first_name, row.preferred_name) for row in rows}
