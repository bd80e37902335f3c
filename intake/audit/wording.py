"""The audit trail in people's words: what each event means ("opened the visit note", not ``visits.show``).

One place for the words the audit log shows: what looking at each page means (by the page's endpoint), what each
change means (its action and the kind of record it changed), and the record kinds as the clinic says them.
Every page that records a view has its words here (tests/audit/test_log_words.py walks the app's views).
"""

from collections.abc import Iterable
from typing import Any, NamedTuple

from intake.audit import models as audit
from intake.clinic_time import format_datetime

#: What a look at each page means, by the page's endpoint.
VIEW_WORDS: dict[str, str] = {
    "home.index": "opened Today",
    "patients.chart": "opened the chart",
    "patients.edit": "opened the patient's details to edit them",
    "patients.confirm_archive": "opened the question whether to archive the patient",
    "intake.show": "opened the intake",
    "intake.red_flags": "opened the red-flag decisions of an intake",
    "intake.start": "opened the intake on the clinic tablet",
    "intake.start_check_in": "opened the check-in on the clinic tablet",
    "intake_link.link_step": "opened a page of their intake by link",
    "intake_link.link_confirm": "confirmed their date of birth by link",
    "intake_link.link_urgent_advice": "was shown urgent advice by link",
    "intake_link.kiosk_step": "opened a page of their intake on the clinic tablet",
    "intake_link.kiosk_confirm": "confirmed their date of birth on the clinic tablet",
    "intake_link.kiosk_urgent_advice": "was shown urgent advice on the clinic tablet",
    "pain.history": "opened the pain history",
    "pain.table": "opened the pain scores table",
    "pain.check_in": "opened the pain check-in form",
    "visits.index": "opened the list of visits",
    "visits.show": "opened the visit note",
    "visits.edit": "opened the visit note to write it",
    "visits.amend": "opened the amendment form of a visit note",
    "outcomes.progress": "opened the progress summary",
    "outcomes.close": "opened the form to close an episode of care",
    "outcomes.report": "opened the clinic outcomes report",
    "printout.choose": "opened the printed chart's choices",
    "printout.chart_pdf": "chose printed chart dates to fix",
    "staff.merge_charts": "previewed a merge of two charts",
    "staff.merge_charts_confirmed": "previewed a merge of two charts",
}

#: The kinds of record, as the clinic says them.
RECORD_WORDS: dict[str, str] = {
    "patient": "chart",
    "chart": "chart",
    "visit": "visit note",
    "visits": "visits",
    "visit_list": "list of visits",
    "protocol": "point protocol",
    "intake": "intake",
    "red_flag_decision": "red-flag decision",
    "pain_history": "pain history",
    "pain_check_in": "pain check-in",
    "care_episode": "episode of care",
    "progress_summary": "progress summary",
    "outcomes_report": "clinic outcomes report",
    "chart_printout": "printed chart",
    "patient_record": "patient's own record",
    "audit_log": "audit log",
    "staff_account": "staff account",
    "today": "Today",
    "link_message": "form link message",
    "planned_visit": "planned visit",
}

#: What each change does to the record it names.
CHANGE_VERBS: dict[str, str] = {
    audit.CREATE: "created",
    audit.EDIT: "changed",
    audit.SIGN: "signed",
    audit.AMEND: "amended",
    audit.ARCHIVE: "archived",
    audit.RESTORE: "restored",
    audit.REVOKE: "revoked",
    audit.SUBMIT: "submitted",
    audit.REVIEW: "reviewed",
    audit.EXPORT: "exported",
}


def record_in_words(record_type: str) -> str:
    """Return the kind of record as the clinic says it ('visit note' for 'visit')."""
    return RECORD_WORDS.get(record_type) or record_type.replace("_", " ")


def event_in_words(action: str, endpoint: str, record_type: str) -> str:
    """Say what happened, as a sentence after the person's name: 'opened the visit note', 'signed the visit note'."""
    if action == audit.VIEW:
        if endpoint in VIEW_WORDS:
            return VIEW_WORDS[endpoint]
        return f"looked at the {record_in_words(record_type)}" if record_type else "looked at a page"
    verb = CHANGE_VERBS.get(action)
    if verb and record_type:
        return f"{verb} the {record_in_words(record_type)}"
    label = audit.ACTION_LABELS.get(action, action.replace("_", " "))
    return label[:1].lower() + label[1:]


class LogRow(NamedTuple):
    """One row of the audit log as people read it, worked out in Python once rather than piece by piece in the page."""

    event_id: int
    when: str
    who: str
    role: str
    action: str
    #: The sentence after the person's name, capitalised: "Opened the visit note".
    words: str
    #: "(visit note #12)" when the event names a record other than the chart, else "".
    record: str
    detail: str
    chart_number: str
    patient_name: str
    client_ip: str


def log_rows(events: Iterable[Any], names: dict[int, str], role_labels: dict[str, str]) -> list[LogRow]:
    """Say each event of a page of the audit log in words (``audit.search.EventRow``s)."""
    rows = []
    for event in events:
        words = event_in_words(event.action, event.endpoint, event.record_type)
        record = ""
        if event.record_type and event.record_id is not None and event.record_type != "patient":
            record = f"({record_in_words(event.record_type)} #{event.record_id})"
        rows.append(
            LogRow(
                event_id=event.id,
                when=format_datetime(event.occurred_at),
                who=event.user_name or "—",
                role=role_labels.get(event.user_role, event.user_role) if event.user_role else "",
                action=event.action,
                words=words[:1].upper() + words[1:],
                record=record,
                detail=event.detail or "",
                chart_number=event.chart_number or "",
                patient_name=names.get(event.patient_id, "") if event.chart_number else "",
                client_ip=event.client_ip or "—",
            )
        )
    return rows
