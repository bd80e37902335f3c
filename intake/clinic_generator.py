"""A clinic's fifteen years, generated in bulk: ``seed-demo --patients 20000 --visits 300000 --seed 1``.

For measuring the app at the size of a real clinic (``make bench``), never for production. The data is
made with SQLAlchemy Core inserts in batches, not through the features' operations one row at a time, but
in the shapes those operations write: intakes with their answers and ODI, visit notes that were drafted,
signed and sometimes amended, pain scores before and after each visit, and the audit events all of that
leaves, chained with the app's own hash function and key in id order and closed by a signed checkpoint,
so ``audit-verify`` finds the trail intact.

Deterministic: the same ``seed`` and ``end_day`` give the same rows (``random.Random(seed)``; no set is
iterated). Time is anchored on ``end_day`` explicitly: the visits fill the fifteen years that end the day
before it, so nothing is in the future.

A generated clinic goes only into an empty database (no staff, patients or audit events): one whose staff
accounts are not all demo accounts holds real data and is refused, as is one already holding demo data.
"""

import random
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, func, insert, select, text, update

from intake.audit import checkpoints
from intake.audit import models as audit
from intake.audit.chain import CHAIN_LOCK_KEY, audit_key, content_seal
from intake.audit.models import GENESIS_HASH, AuditEvent, compute_hash
from intake.auth.models import User
from intake.auth.operations import create_user
from intake.auth.roles import PRACTITIONER
from intake.clinic_time import clinic_zone
from intake.demo import DEMO_STAFF, LOW_BACK_COMPLAINT, _health
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, INTAKE, PainScore
from intake.pain.regions import REGIONS
from intake.patients.models import Counter, Patient
from intake.patients.operations import digits_only
from intake.patients.search import search_key
from intake.questionnaire import steps as q
from intake.questionnaire.models import KIOSK, SUBMITTED, Intake
from intake.refused import Refused
from intake.visits import note_fields
from intake.visits.models import ACUPUNCTURE, BOTH, MASSAGE, Amendment, Visit, VisitPoint
from intake.visits.note_fields import COLUMN_FIELDS
from intake.visits.points import MIDLINE_EXTRA_POINTS, MIDLINE_MERIDIANS, all_points
from intake.visits.vocabulary import MASSAGE_TECHNIQUE_LABELS

#: The clinic's history: visits fill this many years before the end day.
YEARS = 15
#: Visits of the one patient with the long history (fewer when fewer visits are asked for).
LONG_HISTORY_VISITS = 300
#: No other patient has more visits than this, so the long history stays the longest.
MOST_VISITS_OF_OTHERS = 250
#: Counts beyond these are refused as absurd for one clinic (or a group of ten).
MOST_PATIENTS = 1_000_000
MOST_VISITS = 10_000_000
#: Rows per INSERT batch.
BATCH = 5_000
#: Share of signed notes later amended, and of notes from the last days left as drafts.
AMENDED_SHARE = 0.02
RECENT_DRAFT_SHARE = 0.3
RECENT_DAYS = 3

#: A third practitioner for the generated clinic, next to the demo's two (all demo accounts).
GENERATED_STAFF = DEMO_STAFF + (
    dict(
        email="lin.park@clinic.example",
        full_name="Lin Park",
        role=PRACTITIONER,
        designation="R.Ac, RMT",
        password="demo-both-2026",
    ),
)
#: What makes a staff account a demo account: its email is one of these.
DEMO_EMAILS = tuple(person["email"] for person in GENERATED_STAFF)

FIRST_NAMES = (
    "Aiden Amara Anna Arjun Ava Beatriz Ben Carmen Chen Chloe Daniel Deepa Elena Emma Ethan Fatima Grace "
    "Hana Hiroshi Isaac Isla Jack Jasmine Javier Kai Layla Leo Liam Lucia Mateo Maya Mei Mohammed Nadia "
    "Noah Olivia Omar Priya Quinn Rosa Ryan Sakura Samuel Sara Sofia Tariq Thomas Uma Victor Wei Yara Zoe"
).split()
LAST_NAMES = (
    "Abbott Adeyemi Bergstrom Brown Campbell Chen Clarke Dubois Fraser Garcia Gill Harris Ivanova Jensen "
    "Kaur Kim Kowalski Larsen Lee Li MacDonald Martin Morales Nguyen Novak Okafor Olsen Park Patel Quinn "
    "Ramanathan Reid Rossi Santos Schmidt Singh Smith Sokolov Tanaka Thompson Tremblay Wang Watson White "
    "Wilson Wong Yamamoto Young Zhang Zimmerman"
).split()
CITIES = ("Edmonton", "St. Albert", "Sherwood Park", "Spruce Grove", "Leduc", "Fort Saskatchewan")
AREA_CODES = ("780", "587", "825")
PATTERNS = (
    "Kidney deficiency",
    "Qi and blood stagnation",
    "Liver qi stagnation",
    "Damp-heat",
    "Spleen qi deficiency",
)
REPORTS = (
    "Stiff in the mornings; eases after a walk.",
    "Better for a few days, then back after work.",
    "Sleeping through the night again.",
    "Flared after lifting at the weekend.",
    "About the same; sitting is the worst.",
)
CLIENT_IPS = ("10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.20")
KINDS_BY_DESIGNATION = {"RMT": (MASSAGE,), "R.Ac": (ACUPUNCTURE,)}
KINDS_ANY = (BOTH, ACUPUNCTURE, MASSAGE)
#: The page each generated event was recorded on, and its path ({patient} and {visit} filled in).
PAGES = {
    "auth.login": "/login",
    "patients.new": "/patients/new",
    "patients.chart": "/patients/{patient}",
    "pain.history": "/patients/{patient}/pain/",
    "questionnaire.start": "/patients/{patient}/intake",
    "questionnaire.hand_over": "/patients/{patient}/intake/tablet",
    "questionnaire.submit": "/i/…/review",
    "questionnaire.review": "/patients/{patient}/intake/review",
    "visits.start": "/patients/{patient}/visits",
    "visits.edit": "/visits/{visit}/edit",
    "visits.sign": "/visits/{visit}/sign",
    "visits.amend": "/visits/{visit}/amend",
}


@dataclass(frozen=True)
class GeneratedClinic:
    """What the generator made."""

    patients: int
    visits: int
    pain_scores: int
    audit_events: int
    amendments: int
    long_history_patient_id: int | None
    logins: list[dict]


# --- Refusals -----------------------------------------------------------------------------


def size_problems(patients: int, visits: int) -> dict[str, str]:
    """Return what is wrong with the counts asked for (empty when they make a clinic)."""
    problems = {}
    if patients < 1:
        problems["patients"] = f"--patients must be at least 1, not {patients}."
    elif patients > MOST_PATIENTS:
        problems["patients"] = f"--patients {patients} is absurd for a clinic: at most {MOST_PATIENTS:,}."
    if visits < 0:
        problems["visits"] = f"--visits cannot be negative ({visits})."
    elif visits > MOST_VISITS:
        problems["visits"] = f"--visits {visits} is absurd for a clinic: at most {MOST_VISITS:,}."
    elif patients >= 1 and visits > most_visits_for(patients):
        problems["visits"] = (
            f"--visits {visits} is too many for {patients} patients: at most {most_visits_for(patients):,} "
            f"({LONG_HISTORY_VISITS} for one patient, {MOST_VISITS_OF_OTHERS} for each other)."
        )
    return problems


def most_visits_for(patients: int) -> int:
    return LONG_HISTORY_VISITS + (patients - 1) * MOST_VISITS_OF_OTHERS


def is_demo_email(email: str) -> bool:
    return email in DEMO_EMAILS


def existing_data_problem() -> str | None:
    """Return why this database may not receive a generated clinic (None when it is empty)."""
    emails = db.session.scalars(select(User.email).order_by(User.id)).all()
    real = [email for email in emails if not is_demo_email(email)]
    if real:
        return (
            f"This database holds real data ({len(real)} staff accounts that are not demo accounts, "
            f"e.g. {real[0]}): the generator never touches it. Point DATABASE_URL at an empty database."
        )
    has_patients = db.session.scalar(select(Patient.id).limit(1)) is not None
    has_events = db.session.scalar(select(AuditEvent.id).limit(1)) is not None
    if emails or has_patients or has_events:
        return (
            "This database already holds data (demo staff, patients or audit events): a generated clinic "
            "goes only into an empty database. Delete the demo database (and its audit checkpoints) first, "
            "or point DATABASE_URL at a new one."
        )
    found = checkpoints.read_checkpoints(current_app, audit_key())
    if found.checkpoints or found.forged_lines:
        return (
            f"The audit checkpoint file {found.path} describes another database's trail: remove it together "
            "with the database it belongs to, or set AUDIT_CHECKPOINT_FILE for this one."
        )
    return None


# --- The plan: who comes, how often, when --------------------------------------------------


@dataclass
class PatientPlan:
    """One patient's story, drawn before any row is written."""

    index: int
    visit_days: list[int]  # days after the start of the history
    intake_day: int
    practitioner: int  # index into the practitioners
    regions: list[str]
    baseline: dict[str, int]
    points: list[str]
    id: int = 0


def _visit_counts(rng: random.Random, patients: int, visits: int) -> tuple[list[int], int]:
    """Return each patient's number of visits (a long tail) and the index of the long-history patient."""
    long_index = rng.randrange(patients)
    counts = [0] * patients
    if patients == 1:
        counts[0] = visits
        return counts, long_index
    counts[long_index] = long = min(LONG_HISTORY_VISITS, visits // 2)
    others = [i for i in range(patients) if i != long_index]
    # Most come a few times; a few come for years (Pareto weights); about one in eight never books a visit.
    weights = [0.0 if rng.random() < 0.12 else min(rng.paretovariate(1.4), 80.0) for _ in others]
    if not any(weights):
        weights = [1.0] * len(others)
    # Cap the weights so the regulars' expected visits stay below MOST_VISITS_OF_OTHERS, spread by chance
    # below it, rather than piling up at the hard limit that the clipping below enforces.
    for _ in range(3):
        per_weight = (visits - long) / sum(weights)
        highest = 0.85 * MOST_VISITS_OF_OTHERS / per_weight
        weights = [min(weight, highest) for weight in weights]
    tally = Tally(rng.choices(others, weights=weights, k=visits - long))
    excess = 0
    for i in others:
        counts[i] = tally.get(i, 0)
        if counts[i] > MOST_VISITS_OF_OTHERS:
            excess += counts[i] - MOST_VISITS_OF_OTHERS
            counts[i] = MOST_VISITS_OF_OTHERS
    while excess:
        i = others[rng.randrange(len(others))]
        if counts[i] < MOST_VISITS_OF_OTHERS:
            counts[i] += 1
            excess -= 1
    return counts, long_index


def _plans(rng: random.Random, patients: int, visits: int, span_days: int, practitioners: int):
    counts, long_index = _visit_counts(rng, patients, visits)
    codes = [region.code for region in REGIONS]
    point_codes = [point.code for point in all_points()]
    plans = []
    for index, count in enumerate(counts):
        if index == long_index:
            duration = span_days - 30
        else:
            duration = min(span_days - 1, int(count * rng.uniform(7, 35)))
        first = rng.randrange(0, span_days - duration)
        days = sorted(rng.sample(range(first, first + duration + 1), count)) if count else []
        intake_day = max(0, (days[0] if days else rng.randrange(span_days)) - rng.randint(0, 14))
        regions = rng.sample(codes, rng.randint(2, 12))
        plans.append(
            PatientPlan(
                index=index,
                visit_days=days,
                intake_day=intake_day,
                practitioner=rng.randrange(practitioners),
                regions=regions,
                baseline={code: rng.randint(3, 9) for code in regions},
                points=rng.sample(point_codes, 12),
            )
        )
    # Patients are numbered in the order they came to the clinic, as the front desk would have.
    plans.sort(key=lambda plan: (plan.intake_day, plan.index))
    for number, plan in enumerate(plans, start=1):
        plan.id = number
    return plans, long_index


# --- Writing -------------------------------------------------------------------------------


class _Batches:
    """Rows waiting for their INSERT, by table, sent in batches of BATCH."""

    #: Parents before children, so every foreign key finds its row.
    ORDER = (Patient, Intake, Visit, VisitPoint, Amendment, PainScore, AuditEvent)

    def __init__(self) -> None:
        self.order = [cast(Table, model.__table__) for model in self.ORDER]
        self.rows: dict[Any, list[dict]] = {table: [] for table in self.order}
        self.written: Tally[str] = Tally()

    def add(self, table, row: dict) -> None:
        pending = self.rows[table]
        pending.append(row)
        if len(pending) >= BATCH:
            self.flush()  # every table, parents first, so foreign keys always find their rows

    def flush(self) -> None:
        for table in self.order:
            pending = self.rows[table]
            if pending:
                db.session.execute(insert(table), pending)
                self.written[table.name] += len(pending)
                self.rows[table] = []


def _blank_note() -> dict:
    """Return the note columns as a new draft holds them (what ``read_note`` reads from an untouched visit)."""
    blank: dict[str, Any] = {}
    kinds = {field.name: field.kind for field in note_fields.NOTE_FIELDS}
    for name in COLUMN_FIELDS:
        kind = kinds[name]
        if kind in (note_fields.NUMBER, note_fields.PROTOCOL):
            blank[name] = None
        elif kind == note_fields.FLAG:
            blank[name] = False
        elif kind in (note_fields.CHOICES, note_fields.CODES):
            blank[name] = []
        else:
            blank[name] = ""
    blank["kind"] = ACUPUNCTURE
    return blank


def _side(code: str) -> str:
    if code[:2] in MIDLINE_MERIDIANS or code in MIDLINE_EXTRA_POINTS:
        return "midline"
    return "bilateral"


def _clamp(score: int) -> int:
    return max(0, min(10, score))


def generate_clinic(*, patients: int, visits: int, seed: int, end_day: date) -> GeneratedClinic:
    """Write a clinic of ``patients`` and ``visits`` over fifteen years ending before ``end_day``; commit."""
    problems = size_problems(patients, visits)
    if problems:
        raise Refused(problems)
    problem = existing_data_problem()
    if problem:
        raise Refused(problem)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = audit_key(app)
    rng = random.Random(seed)
    zone = clinic_zone()
    span_days = YEARS * 365
    start_day = end_day - timedelta(days=span_days)

    def moment(day: int, hour: int, minute: int = 0) -> datetime:
        local = datetime.combine(start_day + timedelta(days=day), time(hour, minute), tzinfo=zone)
        return local.astimezone(UTC)

    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})

    # Staff: a handful, through auth's own function (password hashing); dated to the clinic's opening.
    staff = [create_user(**person) for person in GENERATED_STAFF]
    db.session.flush()
    opened = moment(0, 8)
    db.session.execute(
        update(User)
        .where(User.id.in_([user.id for user in staff]))
        .values(created_at=opened, updated_at=opened)
    )
    practitioners = [user for user in staff if user.role == PRACTITIONER]
    desk = next(user for user in staff if user.email.startswith("frontdesk"))
    # What each practitioner gives: the acupuncturist needles, the RMT massages, the third does both.
    kinds_by_practitioner = {
        user.id: KINDS_BY_DESIGNATION.get(user.designation, KINDS_ANY) for user in practitioners
    }

    plans, long_index = _plans(rng, patients, visits, span_days, len(practitioners))
    #: (occurred_at, sequence, action, user, patient plan, record_type, record_id, detail, page, visit id)
    events: list[tuple] = []

    def event(when, action, user, plan, page, record_type="", record_id=None, detail="", visit=None):
        # Compact tuples (a million of them at full size); the path is written out only when inserted.
        events.append((when, len(events), action, user, plan, record_type, record_id, detail, page, visit))

    batches = _Batches()
    pain_ids = iter(range(1, 1 << 62))

    # Patients, each with a submitted intake (answers, ODI, pain scores) reviewed by their practitioner.
    for plan in plans:
        rng_p = rng
        first_name, last_name = rng_p.choice(FIRST_NAMES), rng_p.choice(LAST_NAMES)
        phone = f"{rng_p.choice(AREA_CODES)}-555-{rng_p.randrange(10000):04d}"
        born = date(1935, 1, 1) + timedelta(days=rng_p.randrange(73 * 365))
        intake_at = moment(plan.intake_day, rng_p.randint(9, 16), rng_p.choice((0, 15, 30, 45)))
        practitioner = practitioners[plan.practitioner]
        patient_row = dict(
            id=plan.id,
            chart_number=f"C-{1000 + plan.id:06d}",
            first_name=first_name,
            last_name=last_name,
            last_name_key=search_key(last_name),
            preferred_name="",
            date_of_birth=born,
            sex_at_birth=rng_p.choice(("female", "male", "female", "")),
            gender="",
            phone=phone,
            phone_digits=digits_only(phone),
            email=f"{first_name.lower()}.{last_name.lower()}{plan.id}@example.com",
            address_line=f"{rng_p.randint(100, 19999)} {rng_p.randint(1, 199)} St NW",
            city=rng_p.choice(CITIES),
            province="AB",
            postal_code="",
            personal_health_number="",
            emergency_contact_name="",
            emergency_contact_relationship="",
            emergency_contact_phone="",
            staff_notes="",
            is_archived=False,
            created_at=intake_at - timedelta(minutes=30),
            updated_at=intake_at,
            created_by_id=desk.id,
        )
        batches.add(Patient.__table__, patient_row)
        odi_scores = {section: rng_p.randint(0, 4) for section in q.ODI_SECTION_KEYS}
        intake_pain = {code: plan.baseline[code] for code in plan.regions}
        answers = {
            q.CONTACT: {name: patient_row.get(name, "") for name in q.CONTACT_FIELDS},
            q.COMPLAINT: LOW_BACK_COMPLAINT,
            q.PAIN: {
                "regions": intake_pain,
                "worst": min(10, max(intake_pain.values()) + 1),
                "least": 1,
                "average": max(intake_pain.values()),
            },
            q.ODI: odi_scores,
            q.RED_FLAGS: {flag: False for flag in q.RED_FLAG_KEYS},
            q.HEALTH: _health(),
            "contact_changes": {},
        }
        name = f"{first_name} {last_name}"
        batches.add(
            Intake.__table__,
            dict(
                id=plan.id,
                patient_id=plan.id,
                status=SUBMITTED,
                created_at=intake_at - timedelta(minutes=20),
                submitted_at=intake_at,
                odi_percent=q.odi_percent(odi_scores),
                answers=answers,
                started_by_id=desk.id,
                updated_at=intake_at,
                cancelled_at=None,
                reviewed_at=intake_at + timedelta(hours=2),
                reviewed_by_id=practitioner.id,
                consent_version=app.config["INTAKE_CONSENT_VERSION"],
                consent_text=app.config["INTAKE_CONSENT_TEXT"],
                consent_name=name,
                consent_signed_at=intake_at - timedelta(minutes=2),
                consent_ip=None,
                signature_path=None,
                signature_typed=name,
                privacy_acknowledged_at=intake_at - timedelta(minutes=2),
            ),
        )
        for code, score in intake_pain.items():
            batches.add(
                PainScore.__table__,
                dict(
                    id=next(pain_ids),
                    patient_id=plan.id,
                    region_code=code,
                    score=score,
                    context=INTAKE,
                    recorded_at=intake_at,
                    recorded_by_id=None,
                    intake_id=plan.id,
                    visit_id=None,
                    created_at=intake_at,
                ),
            )
        event(intake_at - timedelta(minutes=30), audit.CREATE, desk, plan, "patients.new", "patient", plan.id)
        event(
            intake_at - timedelta(minutes=20),
            audit.CREATE,
            desk,
            plan,
            "questionnaire.start",
            "intake",
            plan.id,
        )
        handed_over = intake_at - timedelta(minutes=19)
        event(handed_over, audit.KIOSK_HANDOVER, desk, plan, "questionnaire.hand_over", "intake", plan.id)
        event(intake_at, audit.SUBMIT, None, plan, "questionnaire.submit", "intake", plan.id)
        reviewed = intake_at + timedelta(hours=2)
        event(reviewed, audit.REVIEW, practitioner, plan, "questionnaire.review", "intake", plan.id)

    # Every visit, in the order they happened (ids in time order, as a real clinic's would be).
    schedule = sorted(
        (day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)), plan.id, number)
        for plan in plans
        for number, day in enumerate(plan.visit_days)
    )
    by_id = {plan.id: plan for plan in plans}
    blank = _blank_note()
    massage_codes = sorted(MASSAGE_TECHNIQUE_LABELS)
    recent_from = span_days - RECENT_DAYS
    point_id = amendment_id = 0
    amendments = 0
    logged_in: dict[tuple[int, int], bool] = {}
    for visit_id, (day, hour, minute, patient_id, number) in enumerate(schedule, start=1):
        plan = by_id[patient_id]
        main = practitioners[plan.practitioner]
        practitioner = main if rng.random() < 0.85 else rng.choice(practitioners)
        kind = rng.choice(kinds_by_practitioner[practitioner.id])
        visit_at = moment(day, hour, minute)
        if (practitioner.id, day) not in logged_in:
            logged_in[(practitioner.id, day)] = True
            event(moment(day, 8, 45), audit.LOGIN, practitioner, None, "auth.login")
        progress_share = number / max(1, len(plan.visit_days))
        scored = rng.sample(plan.regions, rng.randint(2, len(plan.regions)))
        before = {
            code: _clamp(round(plan.baseline[code] * (1 - 0.5 * progress_share)) + rng.randint(-1, 1))
            for code in scored
        }
        after = {code: _clamp(score - rng.randint(0, 3)) for code, score in before.items()}
        note = dict(blank)
        note.update(
            kind=kind,
            duration_minutes=rng.choice((45, 60, 75)),
            progress=rng.choice(("better", "better", "same", "worse")),
            flare_ups=rng.randint(0, 2),
            sleep=rng.choice(("good", "fair", "poor")),
            patient_report=rng.choice(REPORTS),
            next_visit=rng.choice(("One week", "Two weeks", "One month")),
            home_care="Heat 15 minutes a day; pelvic tilts morning and evening.",
        )
        points: list[dict] = []
        if kind in (ACUPUNCTURE, BOTH):
            codes = rng.sample(plan.points, rng.randint(4, 12))
            points = [
                {
                    "code": code,
                    "side": _side(code),
                    "technique": rng.choice(("tonify", "reduce", "even")),
                    "de_qi": rng.random() < 0.8,
                    "depth_cun": None,
                }
                for code in codes
            ]
            needles = sum(1 if point["side"] == "midline" else 2 for point in points)
            note.update(
                tongue="Pale, thin white coat",
                pulse="Deep, weak",
                tcm_pattern=rng.choice(PATTERNS),
                needle_gauge="0.25 mm",
                needle_length="40 mm",
                retention_minutes=rng.choice((20, 25, 30)),
                needles_inserted=needles,
                needles_removed=needles,
                reactions=["none"],
            )
        if kind in (MASSAGE, BOTH):
            note.update(
                massage_techniques=sorted(rng.sample(massage_codes, 2)),
                massage_areas=scored[:3],
                massage_pressure=rng.choice(("light", "medium", "firm", "deep")),
                massage_minutes=rng.choice((30, 40, 50)),
                massage_tolerance="well",
                reactions=["none"],
            )
        signed = not (day >= recent_from and rng.random() < RECENT_DRAFT_SHARE)
        created = visit_at - timedelta(minutes=5)
        visit_row = dict(
            note,
            id=visit_id,
            patient_id=patient_id,
            practitioner_id=practitioner.id,
            created_at=created,
            visit_at=visit_at,
            version=3 if signed else 2,
            updated_at=visit_at + timedelta(minutes=55),
            updated_by_id=practitioner.id,
            signed_at=visit_at + timedelta(hours=1) if signed else None,
            signed_by_id=practitioner.id if signed else None,
            signed_name=practitioner.signature_name if signed else "",
        )
        batches.add(Visit.__table__, visit_row)
        for position, point in enumerate(points):
            point_id += 1
            batches.add(VisitPoint.__table__, dict(point, id=point_id, visit_id=visit_id, position=position))
        opened_chart = visit_at - timedelta(minutes=10)
        event(opened_chart, audit.VIEW, practitioner, plan, "patients.chart", "patient", patient_id)
        if rng.random() < 0.5:
            event(opened_chart, audit.VIEW, practitioner, plan, "pain.history", "pain_history")
        event(created, audit.CREATE, practitioner, plan, "visits.start", "visit", visit_id, visit=visit_id)
        saved = visit_at + timedelta(minutes=55)
        event(
            saved, audit.EDIT, practitioner, plan, "visits.edit", "visit", visit_id, "draft saved", visit_id
        )
        signed_note = dict(
            note,
            visit_at=visit_at.isoformat(),
            points=points,
            electro_pairs=[],
            overrides={},
            pain_before=before,
            pain_after=after,
        )
        stored_after = after
        if signed:
            seal = f"note sealed {content_seal(signed_note)}"
            signed_at = visit_at + timedelta(hours=1)
            event(signed_at, audit.SIGN, practitioner, plan, "visits.sign", "visit", visit_id, seal, visit_id)
            if day < span_days - 7 and rng.random() < AMENDED_SHARE:
                corrected = scored[0]
                stored_after = {**after, corrected: _clamp(after[corrected] + 1)}
                if stored_after == after:
                    stored_after = {**after, corrected: after[corrected] - 1}
                amended_note = dict(signed_note, pain_after=stored_after)
                amendment_id += 1
                amendments += 1
                amended_at = visit_at + timedelta(hours=20)
                batches.add(
                    Amendment.__table__,
                    dict(
                        id=amendment_id,
                        visit_id=visit_id,
                        amended_by_id=practitioner.id,
                        amended_by_name=practitioner.signature_name,
                        amended_at=amended_at,
                        reason="Patient phoned the next morning: the pain after treatment was not as recorded.",
                        changes=[
                            ["Pain after treatment", str(after[corrected]), str(stored_after[corrected])]
                        ],
                        note_after=amended_note,
                        pain_replaced={"pain_after": after},
                    ),
                )
                seal = f"amendment {amendment_id} · note sealed {content_seal(amended_note)}"
                event(
                    amended_at,
                    audit.AMEND,
                    practitioner,
                    plan,
                    "visits.amend",
                    "visit",
                    visit_id,
                    seal,
                    visit_id,
                )
        for context, scores in ((BEFORE_TREATMENT, before), (AFTER_TREATMENT, stored_after)):
            for code, score in scores.items():
                batches.add(
                    PainScore.__table__,
                    dict(
                        id=next(pain_ids),
                        patient_id=patient_id,
                        region_code=code,
                        score=score,
                        context=context,
                        recorded_at=visit_at,
                        recorded_by_id=practitioner.id,
                        intake_id=None,
                        visit_id=visit_id,
                        created_at=visit_at,
                    ),
                )
    batches.flush()

    # The audit trail, in time order, chained with the app's own hash and key.
    events.sort(key=lambda item: (item[0], item[1]))
    previous = GENESIS_HASH
    for event_id, row in enumerate(_audit_rows(events), start=1):
        row["id"] = event_id
        row["previous_hash"] = previous
        row["row_hash"] = previous = compute_hash(cast(AuditEvent, SimpleNamespace(**row)), key)
        batches.add(AuditEvent.__table__, row)
    batches.flush()
    db.session.execute(update(Counter).where(Counter.name == "chart_number").values(value=1000 + len(plans)))
    if connection.dialect.name == "postgresql":
        _advance_sequences()
    db.session.commit()
    if events:
        checkpoints.write_checkpoint(
            app, key, last_id=len(events), last_hash=previous, count=len(events), hmac_from=1
        )
    long_plan = next((plan for plan in plans if plan.index == long_index), None)
    return GeneratedClinic(
        patients=len(plans),
        visits=len(schedule),
        pain_scores=batches.written["pain_score"],
        audit_events=len(events),
        amendments=amendments,
        long_history_patient_id=long_plan.id if long_plan is not None else None,
        logins=[dict(email=p["email"], password=p["password"], role=p["role"]) for p in GENERATED_STAFF],
    )


def _audit_rows(events: list[tuple]) -> Iterator[dict]:
    for when, _sequence, action, user, plan, record_type, record_id, detail, endpoint, visit in events:
        path = PAGES[endpoint].format(patient=plan.id if plan is not None else "", visit=visit)
        if user is None:  # the patient, on the clinic tablet
            actor = dict(
                user_id=None, user_name=audit.PATIENT_ACTOR_NAMES[KIOSK], user_role=audit.PATIENT_ROLE
            )
        else:
            actor = dict(user_id=user.id, user_name=user.full_name, user_role=user.role)
        yield dict(
            occurred_at=when,
            **actor,
            action=action,
            endpoint=endpoint,
            path=path,
            patient_id=plan.id if plan is not None else None,
            chart_number=f"C-{1000 + plan.id:06d}" if plan is not None else "",
            record_type=record_type,
            record_id=record_id,
            detail=detail,
            client_ip=CLIENT_IPS[(user.id if user is not None else 0) % len(CLIENT_IPS)],
        )


def _advance_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids written here, so the app's next rows number on."""
    for table in (Patient, Intake, PainScore, Visit, VisitPoint, Amendment, AuditEvent):
        last_id = db.session.scalar(select(func.coalesce(func.max(table.id), 1)))
        db.session.execute(select(func.setval(func.pg_get_serial_sequence(table.__tablename__, "id"), last_id)))


def row_counts() -> dict[str, int]:
    """Return how many rows the generated tables hold."""
    return {
        table.__tablename__: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in (Patient, Intake, Visit, PainScore, Amendment, AuditEvent)
    }
