"""One patient's whole record as a FHIR R4 Bundle of type collection, for the patient's right of access.

What the record holds, and how it is written:

- ``Patient`` (demographics, chart number, Alberta personal health number, emergency contact) and a
  ``Practitioner`` for each staff member who scored, treated, signed, amended or decided something.
- The intake questionnaire as one ``Questionnaire`` (a group per step, an item per question, linkIds
  ``<step>.<n>``) and a ``QuestionnaireResponse`` per intake with every answered question in words.
  A signed consent is a ``Consent`` with the text agreed to word for word, its signature a ``Provenance``.
- An ``Observation`` per pain score (LOINC 72514-3, the body site in SNOMED CT with laterality, the
  occasion — intake, before or after treatment, check-in — as a second category), per Oswestry
  Disability Index score (LOINC 97909-6, percent) and per PEG score of a return-visit check-in (LOINC 91148-7,
  its three items as components in the clinic's own codes); each check-in is a ``QuestionnaireResponse`` to
  the check-in ``Questionnaire``.
- Red flags are ``Flag`` resources (inactive once decided); each practitioner's decision on one is an
  ``Observation`` whose focus is the flag, kept in full history (a later decision supersedes an earlier one).
- Each visit is an ``Encounter`` with a ``Procedure`` for acupuncture (each point a WHO code with its side and
  technique in text) and one for massage (the areas as body sites), the note in words as a
  ``DocumentReference`` per version: the signed original and each amendment, each amendment's author, time
  and reason a ``Provenance`` (the signature too).

Every resource has a ``urn:uuid`` fullUrl derived from the chart and the record it comes from, so two exports of
the same chart name the same resource alike and no two charts share one; every reference points inside the bundle.
"""

import base64
import html
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import selectinload

from intake.auth.models import User
from intake.database import utcnow
from intake.extensions import db
from intake.fhir import codes
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CONTEXT_LABELS, PainScore
from intake.patients.models import Patient
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import red_flag_alerts
from intake.questionnaire.check_ins import SECTION_ANSWERS as CHECK_IN_ANSWERS
from intake.questionnaire.check_ins import summarise_check_in
from intake.questionnaire.decisions import KIND_LABELS as DECISION_LABELS
from intake.questionnaire.models import IN_PROGRESS, SUBMITTED, Intake, RedFlagDecision
from intake.questionnaire.summary import NOT_ANSWERED, SECTION_ANSWERS, consent_answers, summarise
from intake.visits.display import describe, note_sections
from intake.visits.models import ACUPUNCTURE, BOTH, KIND_LABELS, MASSAGE, Amendment, Visit
from intake.visits.note_record import read_note, stored_pain_of
from intake.visits.points import point_label

#: Names every resource of every export alike (uuid5 of the record's kind and id under it).
RECORD_NAMESPACE = uuid.UUID("6f1e1c52-4f0b-5d0e-9a57-2f3e8e0c7a11")
#: Answers in words that say nothing was answered: such questions are left out of the response.
UNANSWERED = frozenset({NOT_ANSWERED, "—", "Skipped", ""})
QR_STATUS = {IN_PROGRESS: "in-progress", SUBMITTED: "completed"}
SEX_TO_GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}
ACUPUNCTURE_KINDS = (ACUPUNCTURE, BOTH)
MASSAGE_KINDS = (MASSAGE, BOTH)


def record_namespace(patient: Patient) -> uuid.UUID:
    """Return the namespace of one chart's resource ids: stable across its exports, unlike any other chart's."""
    return uuid.uuid5(RECORD_NAMESPACE, f"{patient.chart_number}/{patient.created_at.isoformat()}")


def resource_id(namespace: uuid.UUID, kind: str, key: object) -> str:
    """Return the stable id of one record's resource."""
    return str(uuid.uuid5(namespace, f"{kind}/{key}"))


def instant(moment: datetime) -> str:
    """Return an aware time as a FHIR dateTime (UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _attachment(text: str, content_type: str, title: str | None = None) -> dict:
    found = {"contentType": content_type, "data": base64.b64encode(text.encode("utf-8")).decode("ascii")}
    if title:
        found["title"] = title
    return found


class RecordBuilder:
    """Collects the bundle's entries for one patient."""

    def __init__(self, patient: Patient):
        self.patient = patient
        self.namespace = record_namespace(patient)
        self.patient_ref = self.ref("Patient", patient.id, patient.display_name)
        self.entries: list[dict] = []
        self.practitioner_ids: set[int] = set()

    def ref(self, kind: str, key: object, display: str | None = None) -> dict:
        """Return a Reference to the resource of one record, inside the bundle."""
        found = {"reference": f"urn:uuid:{resource_id(self.namespace, kind, key)}"}
        if display:
            found["display"] = display
        return found

    def entry(self, kind: str, key: object, resource: dict) -> dict:
        resource_key = resource_id(self.namespace, kind, key)
        return {
            "fullUrl": f"urn:uuid:{resource_key}",
            "resource": {"resourceType": kind, "id": resource_key, **resource},
        }

    def add(self, kind: str, key: object, resource: dict) -> None:
        self.entries.append(self.entry(kind, key, resource))

    def practitioner(self, user_id: int, display: str | None = None) -> dict:
        self.practitioner_ids.add(user_id)
        return self.ref("Practitioner", user_id, display)


def _patient_resource(patient: Patient) -> dict:
    identifiers = [
        {
            "use": "usual",
            "system": codes.CHART_NUMBER,
            "value": patient.chart_number,
            "type": {"text": "Chart"},
        }
    ]
    if patient.personal_health_number:
        identifiers.append(
            {"use": "official", "system": codes.ALBERTA_PHN, "value": patient.personal_health_number}
        )
    names = [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}]
    if patient.preferred_name and patient.preferred_name != patient.first_name:
        names.append({"use": "usual", "family": patient.last_name, "given": [patient.preferred_name]})
    resource: dict = {
        "identifier": identifiers,
        "active": not patient.is_archived,
        "name": names,
        "birthDate": patient.date_of_birth.isoformat(),
    }
    if patient.sex_at_birth in SEX_TO_GENDER:
        resource["gender"] = SEX_TO_GENDER[patient.sex_at_birth]
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    address: dict[str, object] = {
        key: value
        for key, value in (
            ("city", patient.city),
            ("state", patient.province),
            ("postalCode", patient.postal_code),
        )
        if value
    }
    if patient.address_line:
        address["line"] = [patient.address_line]
    if patient.address_line or patient.city or patient.postal_code:
        resource["address"] = [{**address, "country": "CA"}]
    if patient.emergency_contact_name or patient.emergency_contact_phone:
        contact: dict = {
            "relationship": [{"text": patient.emergency_contact_relationship or "Emergency contact"}]
        }
        if patient.emergency_contact_name:
            contact["name"] = {"text": patient.emergency_contact_name}
        if patient.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": patient.emergency_contact_phone}]
        resource["contact"] = [contact]
    return resource


def _step_questions(step: str) -> list[str]:
    """Return the questions of one step in the order they are answered (from the answers-in-words module)."""
    if step == q.CONSENT:
        return [answer.question for answer in consent_answers(Intake(consent_signed_at=utcnow()))]
    return [answer.question for answer in SECTION_ANSWERS[step]({})]


def _questionnaire() -> dict:
    groups = []
    for step in q.STEPS:
        if step.key not in q.ANSWER_STEPS:
            continue
        group: dict = {"linkId": step.key, "text": step.staff_title, "type": "group"}
        if step.key == q.ODI:
            group["code"] = [codes.coding(codes.LOINC, *codes.ODI_PANEL)]
        group["item"] = [
            {"linkId": f"{step.key}.{n}", "text": question, "type": "string"}
            for n, question in enumerate(_step_questions(step.key), start=1)
        ]
        groups.append(group)
    return {
        "url": codes.INTAKE_QUESTIONNAIRE,
        "name": "IntakeQuestionnaire",
        "title": "Intake questionnaire",
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }


def _check_in_questionnaire(check_ins: list[Intake]) -> dict:
    """The check-in's questions: every step's questions as asked unanswered, and each one the check-ins answered.

    Some questions are asked only after an answer (how bad the worst flare-up was, once there was one), so the
    items are gathered from the check-ins exported too: every linkId a response uses is one of the questionnaire's.
    """
    asked: dict[str, dict[str, str]] = {
        key: {f"{key}.{n}": answer.question for n, answer in enumerate(CHECK_IN_ANSWERS[key]({}), start=1)}
        for key in CHECK_IN_ANSWERS
    }
    for check_in in check_ins:
        for section in summarise_check_in(check_in).sections:
            for n, answer in enumerate(section.answers, start=1):
                asked.setdefault(section.key, {}).setdefault(f"{section.key}.{n}", answer.question)
    groups = []
    for step in c.STEPS:
        if not asked.get(step.key):
            continue
        group: dict = {"linkId": step.key, "text": step.staff_title, "type": "group"}
        if step.key == c.PEG:
            group["code"] = [codes.coding(codes.LOINC, *codes.PEG_SCALE)]
        items = sorted(asked[step.key].items(), key=lambda item: int(item[0].rsplit(".", 1)[1]))
        group["item"] = [{"linkId": link_id, "text": text, "type": "string"} for link_id, text in items]
        groups.append(group)
    return {
        "url": codes.CHECK_IN_QUESTIONNAIRE,
        "name": "CheckInQuestionnaire",
        "title": "Return-visit check-in",
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }


def _answer_groups(sections) -> list[dict]:
    groups = []
    for section in sections:
        items = [
            {
                "linkId": f"{section.key}.{n}",
                "text": answer.question,
                "answer": [{"valueString": answer.answer}],
            }
            for n, answer in enumerate(section.answers, start=1)
            if answer.answer.strip() not in UNANSWERED
        ]
        if items:
            groups.append({"linkId": section.key, "text": section.staff_title, "item": items})
    return groups


def _response_items(intake: Intake, patient: Patient) -> list[dict]:
    return _answer_groups(summarise(intake, patient).sections)


def _add_check_in(builder: RecordBuilder, check_in: Intake, decisions: list[RedFlagDecision]) -> None:
    """A check-in: its QuestionnaireResponse, its PEG score (the three items as components), its red flags."""
    authored = check_in.submitted_at or check_in.updated_at or check_in.created_at
    response: dict = {
        "questionnaire": codes.CHECK_IN_QUESTIONNAIRE,
        "status": QR_STATUS.get(check_in.status, "stopped"),
        "subject": builder.patient_ref,
        "authored": instant(authored),
        "author": builder.patient_ref,
        "source": builder.patient_ref,
    }
    items = _answer_groups(summarise_check_in(check_in).sections)
    if items:
        response["item"] = items
    builder.add("QuestionnaireResponse", check_in.id, response)
    response_ref = builder.ref("QuestionnaireResponse", check_in.id)
    if check_in.status != SUBMITTED or check_in.submitted_at is None:
        return
    if check_in.peg_score is not None:
        peg_answers = check_in.step_answers(c.PEG)
        components = [
            {
                "code": {
                    "coding": [codes.coding(codes.PEG_ITEM, item.key, item.staff_label)],
                    "text": item.question,
                },
                "valueInteger": peg_answers[item.key],
            }
            for item in c.PEG_ITEMS
            if isinstance(peg_answers.get(item.key), int)
        ]
        observation: dict = {
            "status": "final",
            "category": [{"coding": [codes.coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}],
            "code": codes.loinc(codes.PEG_SCALE),
            "subject": builder.patient_ref,
            "effectiveDateTime": instant(check_in.submitted_at),
            "performer": [builder.patient_ref],
            "valueQuantity": {
                "value": check_in.peg_score,
                "unit": "{score}",
                "system": codes.UCUM,
                "code": "{score}",
            },
            "derivedFrom": [response_ref],
        }
        if components:
            observation["component"] = components
        builder.add("Observation", f"peg/{check_in.id}", observation)
    _add_red_flags(builder, check_in, decisions, response_ref)


def _add_intake(builder: RecordBuilder, intake: Intake, decisions: list[RedFlagDecision]) -> None:
    patient = builder.patient
    authored = intake.submitted_at or intake.updated_at or intake.created_at
    response: dict = {
        "questionnaire": codes.INTAKE_QUESTIONNAIRE,
        "status": QR_STATUS.get(intake.status, "stopped"),
        "subject": builder.patient_ref,
        "authored": instant(authored),
        "author": builder.patient_ref,
        "source": builder.patient_ref,
    }
    items = _response_items(intake, patient)
    if items:
        response["item"] = items
    builder.add("QuestionnaireResponse", intake.id, response)
    response_ref = builder.ref("QuestionnaireResponse", intake.id)
    if intake.consent_signed_at is not None:
        _add_consent(builder, intake)
    if intake.status == SUBMITTED and intake.odi_percent is not None and intake.submitted_at:
        builder.add(
            "Observation",
            f"odi/{intake.id}",
            {
                "status": "final",
                "category": [{"coding": [codes.coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}],
                "code": codes.loinc(codes.ODI_SCORE),
                "subject": builder.patient_ref,
                "effectiveDateTime": instant(intake.submitted_at),
                "performer": [builder.patient_ref],
                "valueQuantity": {
                    "value": intake.odi_percent,
                    "unit": "%",
                    "system": codes.UCUM,
                    "code": "%",
                },
                "interpretation": [{"text": q.odi_band(intake.odi_percent) or ""}],
                "derivedFrom": [response_ref],
            },
        )
    if intake.status == SUBMITTED:
        _add_red_flags(builder, intake, decisions, response_ref)


def _add_consent(builder: RecordBuilder, intake: Intake) -> None:
    if intake.consent_signed_at is None:
        return
    signed = instant(intake.consent_signed_at)
    builder.add(
        "Consent",
        intake.id,
        {
            "status": "active",
            "scope": {"coding": [codes.coding(codes.CONSENT_SCOPE, "treatment", "Treatment")]},
            "category": [codes.loinc(codes.CONSENT_DOCUMENT)],
            "patient": builder.patient_ref,
            "dateTime": signed,
            "performer": [builder.patient_ref],
            "policyRule": {"coding": [codes.coding(codes.ACT_CODE, "OPTIN", "opt-in")]},
            "sourceAttachment": {
                **_attachment(
                    intake.consent_text or "",
                    "text/plain; charset=utf-8",
                    f"Consent to treatment, version {intake.consent_version or 'unknown'}",
                ),
                "creation": signed,
            },
            "provision": {"type": "permit", "period": {"start": signed}},
        },
    )
    if intake.signature_path:
        data = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200">'
            f'<path d="{html.escape(intake.signature_path)}" fill="none" stroke="black" stroke-width="2"/></svg>'
        )
        signature_format = "image/svg+xml"
    else:
        data, signature_format = intake.signature_typed or intake.consent_name or "", "text/plain"
    builder.add(
        "Provenance",
        f"consent/{intake.id}",
        {
            "target": [builder.ref("Consent", intake.id)],
            "recorded": signed,
            "agent": [
                {
                    "type": {"coding": [codes.coding(codes.PROVENANCE_PARTICIPANT, "author", "Author")]},
                    "who": builder.patient_ref,
                }
            ],
            "signature": [
                {
                    "type": [codes.coding(codes.SIGNATURE_TYPE, *codes.CONSENT_SIGNATURE)],
                    "when": signed,
                    "who": builder.patient_ref,
                    "sigFormat": signature_format,
                    "data": base64.b64encode(data.encode("utf-8")).decode("ascii"),
                }
            ],
        },
    )


def _add_red_flags(
    builder: RecordBuilder, intake: Intake, decisions: list[RedFlagDecision], response_ref: dict
) -> None:
    by_flag: dict[str, list[RedFlagDecision]] = defaultdict(list)
    for decision in decisions:
        by_flag[decision.flag_code].append(decision)
    for alert in red_flag_alerts(intake, builder.patient):
        flag_key = f"{intake.id}/{alert.code}"
        flag: dict = {
            "status": "inactive" if by_flag.get(alert.code) else "active",
            "category": [{"coding": [codes.coding(codes.FLAG_CATEGORY, "clinical", "Clinical")]}],
            "code": {"coding": [codes.coding(codes.RED_FLAG, alert.code)], "text": alert.message},
            "subject": builder.patient_ref,
        }
        if intake.submitted_at:
            flag["period"] = {"start": instant(intake.submitted_at)}
        builder.add("Flag", flag_key, flag)
        for decision in by_flag.get(alert.code, []):
            notes = [decision.reason] if decision.reason else []
            if decision.referred_to:
                referred = f"Referred to {decision.referred_to}"
                if decision.referred_on:
                    referred += f" on {decision.referred_on.isoformat()}"
                notes.insert(0, referred)
            observation: dict = {
                "status": "final",
                "code": {
                    "coding": [codes.coding(codes.RED_FLAG_DECISION, "decision", "Red flag decision")],
                    "text": f"Decision on: {alert.message}",
                },
                "subject": builder.patient_ref,
                "focus": [builder.ref("Flag", flag_key)],
                "effectiveDateTime": instant(decision.decided_at),
                "performer": [builder.practitioner(decision.decided_by_id, decision.decided_by_name)],
                "valueCodeableConcept": {
                    "coding": [
                        codes.coding(
                            codes.RED_FLAG_DECISION, decision.kind, DECISION_LABELS.get(decision.kind)
                        )
                    ],
                    "text": DECISION_LABELS.get(decision.kind, decision.kind),
                },
                "derivedFrom": [response_ref],
            }
            if notes:
                observation["note"] = [{"text": text} for text in notes]
            builder.add("Observation", f"red-flag-decision/{decision.id}", observation)


def _add_pain_score(builder: RecordBuilder, score: PainScore, replaced: set[tuple[int, str]]) -> None:
    observation: dict = {
        "status": "amended" if score.visit_id and (score.visit_id, score.context) in replaced else "final",
        "category": [
            {"coding": [codes.coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]},
            {
                "coding": [codes.coding(codes.PAIN_CONTEXT, score.context, CONTEXT_LABELS[score.context])],
                "text": CONTEXT_LABELS[score.context],
            },
        ],
        "code": codes.loinc(codes.PAIN_SEVERITY),
        "subject": builder.patient_ref,
        "effectiveDateTime": instant(score.recorded_at),
        "valueInteger": int(score.score),
        "bodySite": codes.body_site(score.region_code),
    }
    if score.recorded_by_id is not None:
        observation["performer"] = [builder.practitioner(score.recorded_by_id)]
    elif score.intake_id is not None:
        observation["performer"] = [builder.patient_ref]
    if score.visit_id is not None:
        observation["encounter"] = builder.ref("Encounter", score.visit_id)
    if score.intake_id is not None:
        observation["derivedFrom"] = [builder.ref("QuestionnaireResponse", score.intake_id)]
    builder.add("Observation", f"pain/{score.id}", observation)


def _note_text(note: dict, amendment: Amendment | None = None) -> str:
    lines = []
    if amendment is not None:
        lines += [f"Amended by {amendment.amended_by_name}: {amendment.reason}", ""]
        lines += [f"Changed {label}: {before} → {after}" for label, before, after in amendment.changes]
        lines.append("")
    for title, rows in note_sections(note):
        lines.append(title)
        lines += [f"  {label}: {text}" for label, text in rows]
    return "\n".join(lines) + "\n"


def _section_text(note: dict, section: str) -> str:
    return "; ".join(
        f"{label}: {text}" for title, rows in note_sections(note) if title == section for label, text in rows
    )


def _add_visit(builder: RecordBuilder, visit: Visit, stored_pain: dict) -> None:
    versions: list[tuple[dict, Amendment | None]] = [(read_note(visit, stored=stored_pain), None)]
    versions += [(amendment.note_after, amendment) for amendment in visit.amendments]
    note = versions[-1][0]
    started = datetime.fromisoformat(note["visit_at"]) if note.get("visit_at") else visit.visit_at
    practitioner = builder.practitioner(visit.practitioner_id)
    encounter_ref = builder.ref("Encounter", visit.id)
    finished = visit.is_signed
    period = {"start": instant(started)}
    if note.get("duration_minutes"):
        period["end"] = instant(started + timedelta(minutes=int(note["duration_minutes"])))
    kind = note.get("kind") or visit.kind
    builder.add(
        "Encounter",
        visit.id,
        {
            "status": "finished" if finished else "in-progress",
            "class": codes.coding(codes.ACT_CODE, "AMB", "ambulatory"),
            "type": [{"text": KIND_LABELS.get(kind, kind)}],
            "subject": builder.patient_ref,
            "participant": [{"individual": practitioner}],
            "period": period,
        },
    )
    procedure = {
        "status": "completed" if finished else "in-progress",
        "subject": builder.patient_ref,
        "encounter": encounter_ref,
        "performedDateTime": instant(started),
        "performer": [{"actor": practitioner}],
    }
    if kind in ACUPUNCTURE_KINDS:
        points = [
            {
                "coding": [codes.coding(codes.ACUPUNCTURE_POINT, point["code"], point_label(point["code"]))],
                "text": describe("points", [point]),
            }
            for point in note.get("points") or []
        ]
        acupuncture: dict = {**procedure, "code": {"text": "Acupuncture"}}
        if points:
            acupuncture["bodySite"] = points
        needling = _section_text(note, "Needling")
        if needling:
            acupuncture["note"] = [{"text": needling}]
        builder.add("Procedure", f"acupuncture/{visit.id}", acupuncture)
    if kind in MASSAGE_KINDS:
        massage: dict = {**procedure, "code": {"text": "Massage therapy"}}
        areas = [codes.body_site(code) for code in note.get("massage_areas") or []]
        if areas:
            massage["bodySite"] = areas
        details = _section_text(note, "Massage")
        if details:
            massage["note"] = [{"text": details}]
        builder.add("Procedure", f"massage/{visit.id}", massage)
    for n, (version, amendment) in enumerate(versions):
        latest = n == len(versions) - 1
        document: dict = {
            "status": "current" if latest else "superseded",
            "docStatus": ("amended" if amendment else "final") if finished else "preliminary",
            "type": codes.loinc(codes.PROGRESS_NOTE, "Treatment visit note"),
            "subject": builder.patient_ref,
            "date": instant(
                amendment.amended_at
                if amendment
                else (visit.signed_at or visit.updated_at or visit.created_at)
            ),
            "author": [builder.practitioner(amendment.amended_by_id) if amendment else practitioner],
            "content": [
                {"attachment": _attachment(_note_text(version, amendment), "text/plain; charset=utf-8")}
            ],
            "context": {"encounter": [encounter_ref], "period": period},
        }
        if amendment is not None:
            document["description"] = f"Amendment: {amendment.reason}"
            document["relatesTo"] = [
                {"code": "replaces", "target": builder.ref("DocumentReference", f"{visit.id}/{n - 1}")}
            ]
        elif visit.signed_by_id is not None:
            document["authenticator"] = builder.practitioner(visit.signed_by_id, visit.signed_name or None)
        builder.add("DocumentReference", f"{visit.id}/{n}", document)
        if amendment is not None:
            builder.add(
                "Provenance",
                f"amendment/{amendment.id}",
                {
                    "target": [builder.ref("DocumentReference", f"{visit.id}/{n}")],
                    "recorded": instant(amendment.amended_at),
                    "reason": [{"text": amendment.reason}],
                    "activity": {"coding": [codes.coding(codes.DATA_OPERATION, "UPDATE", "revise")]},
                    "agent": [
                        {
                            "type": {
                                "coding": [codes.coding(codes.PROVENANCE_PARTICIPANT, "author", "Author")]
                            },
                            "who": builder.practitioner(amendment.amended_by_id, amendment.amended_by_name),
                        }
                    ],
                    "entity": [
                        {"role": "revision", "what": builder.ref("DocumentReference", f"{visit.id}/{n - 1}")}
                    ],
                },
            )
    if visit.signed_at is not None and visit.signed_by_id is not None:
        signer = builder.practitioner(visit.signed_by_id, visit.signed_name or None)
        builder.add(
            "Provenance",
            f"signature/{visit.id}",
            {
                "target": [builder.ref("DocumentReference", f"{visit.id}/0")],
                "recorded": instant(visit.signed_at),
                "agent": [
                    {
                        "type": {
                            "coding": [codes.coding(codes.PROVENANCE_PARTICIPANT, "attester", "Attester")]
                        },
                        "who": signer,
                    }
                ],
                "signature": [
                    {
                        "type": [codes.coding(codes.SIGNATURE_TYPE, *codes.AUTHOR_SIGNATURE)],
                        "when": instant(visit.signed_at),
                        "who": signer,
                    }
                ],
            },
        )


def _practitioner_entries(builder: RecordBuilder) -> list[dict]:
    user_ids = sorted(builder.practitioner_ids)
    users = db.session.scalars(db.select(User).where(User.id.in_(user_ids)).order_by(User.id))
    entries = []
    for user in users:
        resource: dict = {"name": [{"text": user.full_name}]}
        if user.designation:
            resource["qualification"] = [{"code": {"text": user.designation}}]
        entries.append(builder.entry("Practitioner", user.id, resource))
    return entries


def patient_record(patient: Patient) -> dict:
    """Return the patient's whole record as a FHIR R4 Bundle (a JSON-ready dict)."""
    builder = RecordBuilder(patient)
    intakes = list(
        db.session.scalars(
            db.select(Intake).where(Intake.patient_id == patient.id).order_by(Intake.created_at, Intake.id)
        )
    )
    decisions: dict[int, list[RedFlagDecision]] = defaultdict(list)
    if intakes:
        for decision in db.session.scalars(
            db.select(RedFlagDecision)
            .where(RedFlagDecision.intake_id.in_([intake.id for intake in intakes]))
            .order_by(RedFlagDecision.decided_at, RedFlagDecision.id)
        ):
            decisions[decision.intake_id].append(decision)
    visits = list(
        db.session.scalars(
            db.select(Visit)
            .where(Visit.patient_id == patient.id)
            .options(
                selectinload(Visit.points),
                selectinload(Visit.electro_pairs),
                selectinload(Visit.overrides),
                selectinload(Visit.amendments),
            )
            .order_by(Visit.visit_at, Visit.id)
        )
    )
    scores = db.session.scalars(
        db.select(PainScore)
        .where(PainScore.patient_id == patient.id)
        .order_by(PainScore.recorded_at, PainScore.id)
    )
    replaced = {
        (visit.id, context)
        for visit in visits
        for amendment in visit.amendments
        for key, context in (("pain_before", BEFORE_TREATMENT), ("pain_after", AFTER_TREATMENT))
        if key in (amendment.pain_replaced or {})
    }
    builder.add("Patient", patient.id, _patient_resource(patient))
    check_ins = [intake for intake in intakes if intake.is_check_in]
    intakes = [intake for intake in intakes if not intake.is_check_in]
    if intakes:
        builder.add("Questionnaire", "intake", _questionnaire())
    if check_ins:
        builder.add("Questionnaire", "check-in", _check_in_questionnaire(check_ins))
    for intake in intakes:
        _add_intake(builder, intake, decisions[intake.id])
    for check_in in check_ins:
        _add_check_in(builder, check_in, decisions[check_in.id])
    for score in scores:
        _add_pain_score(builder, score, replaced)
    stored_pain = stored_pain_of([visit.id for visit in visits])
    for visit in visits:
        _add_visit(builder, visit, stored_pain[visit.id])
    entries = builder.entries[:1] + _practitioner_entries(builder) + builder.entries[1:]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": instant(utcnow())},
        "identifier": {"system": codes.CHART_NUMBER, "value": patient.chart_number},
        "type": "collection",
        "timestamp": instant(utcnow()),
        "entry": entries,
    }
