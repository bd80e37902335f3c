"""Intake: intake forms, pain scores and treatment notes for an acupuncture and massage clinic."""

import os

from flask import Flask, Response, request

from config import CONFIGS, INSTANCE_DIR, KEY_FILES

DEBUGGER_REFUSED = "The debugger must never run in production (unset FLASK_DEBUG)."


class ClinicApp(Flask):
    """The Flask app, refusing to turn the debugger on where the configuration forbids it (production)."""

    @property
    def debug(self) -> bool:
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        # `flask run` sets app.debug from FLASK_DEBUG after the factory ran; refuse it there too.
        if value and self.config.get("REFUSE_DEBUGGER"):
            raise RuntimeError(DEBUGGER_REFUSED)
        Flask.debug.fset(self, value)  # type: ignore[attr-defined]


def create_app(config_name: str | None = None, *, instance_path: str | None = None, **overrides) -> Flask:
    """Build the application for ``config_name`` (development, testing, production)."""
    config_name = config_name or os.environ.get("INTAKE_CONFIG", "development")
    config_class = CONFIGS[config_name]
    app = ClinicApp(
        __name__,
        instance_path=instance_path or str(INSTANCE_DIR),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    load_keys(app, generate=config_name != "production")
    config_class.check(app)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("REFUSE_DEBUGGER"):
        app.before_request(refuse_debugger)
    from intake.errors import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter  # an id too large for the database is a 404

    register_extensions(app)
    register_blueprints(app)
    register_chart_sections(app)
    register_providers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def load_keys(app: Flask, *, generate: bool) -> None:
    """Take each key from the configuration or its environment variable, else from its file in instance/.

    The file is generated on first use (mode 0600) and reused. Production generates none of the keys it
    requires in the environment; its check then refuses to start without them.
    """
    from config import KEYS_REQUIRED_IN_PRODUCTION_ENVIRONMENT
    from intake.instance_keys import instance_key

    for name, file_name in KEY_FILES.items():
        if app.config.get(name):
            continue
        if os.environ.get(name):
            app.config[name] = os.environ[name]
        elif generate or name not in KEYS_REQUIRED_IN_PRODUCTION_ENVIRONMENT:
            app.config[name] = instance_key(app.instance_path, file_name)


def refuse_debugger() -> Response | None:
    """Answer no request in production under Werkzeug's interactive debugger (`flask run --debugger`).

    The debugger's console marks each request's environ; the app itself is never told it is wrapped.
    """
    if "werkzeug.debug.preserve_context" in request.environ:
        return Response(DEBUGGER_REFUSED, status=503, mimetype="text/plain")
    return None


def register_extensions(app: Flask) -> None:
    from intake.database import configure_sqlite
    from intake.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    import intake.models  # noqa: F401  (every model registered on the metadata)


def register_blueprints(app: Flask) -> None:
    from intake import healthcheck
    from intake.audit import bp as audit_bp
    from intake.audit import commands as _audit_commands  # noqa: F401  (audit-verify, on the audit blueprint)
    from intake.audit import views as _audit_views  # noqa: F401
    from intake.auth import bp as auth_bp
    from intake.auth import views as _auth_views  # noqa: F401
    from intake.fhir import bp as fhir_bp
    from intake.fhir import views as _fhir_views  # noqa: F401
    from intake.home import bp as home_bp
    from intake.home import views as _home_views  # noqa: F401
    from intake.outcomes import bp as outcomes_bp
    from intake.outcomes import views as _outcomes_views  # noqa: F401
    from intake.pain import bp as pain_bp
    from intake.pain import views as _pain_views  # noqa: F401
    from intake.patients import bp as patients_bp
    from intake.patients import views as _patients_views  # noqa: F401
    from intake.printout import bp as printout_bp
    from intake.printout import views as _printout_views  # noqa: F401
    from intake.questionnaire import bp as intake_bp
    from intake.questionnaire import link_bp as intake_link_bp
    from intake.questionnaire import patient_views as _questionnaire_patient_views  # noqa: F401
    from intake.questionnaire import views as _questionnaire_views  # noqa: F401
    from intake.reminders import bp as reminders_bp
    from intake.reminders import commands as _reminders_commands  # noqa: F401  (send-check-ins)
    from intake.reminders import views as _reminders_views  # noqa: F401
    from intake.staff import bp as staff_bp
    from intake.staff import views as _staff_views  # noqa: F401
    from intake.visits import bp as visits_bp
    from intake.visits import timeline_views as _visits_timeline_views  # noqa: F401
    from intake.visits import views as _visits_views  # noqa: F401

    blueprints = (
        healthcheck.bp,
        auth_bp,
        home_bp,
        staff_bp,
        patients_bp,
        intake_bp,
        intake_link_bp,
        pain_bp,
        visits_bp,
        outcomes_bp,
        fhir_bp,
        audit_bp,
        printout_bp,
        reminders_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_chart_sections(app: Flask) -> None:
    """List every section of the patient chart page, in page order, each with its place and part of the chart."""
    from intake.audit import chart as audit_chart
    from intake.auth.roles import CLINICAL, FRONT_DESK, PRACTITIONER, STAFF
    from intake.fhir import chart as fhir_chart
    from intake.outcomes import chart as outcomes_chart
    from intake.pain import chart as pain_chart
    from intake.patients.chart import ACTIONS, SUMMARY, ChartSection, nothing_to_load, register_sections
    from intake.printout import chart as printout_chart
    from intake.questionnaire import chart as questionnaire_chart
    from intake.reminders import chart as reminders_chart
    from intake.visits import chart as visits_chart

    register_sections(
        app,
        (
            # Negative orders sit in the patient's header: the alerts, as one line that opens.
            ChartSection(
                "intake_alerts",
                -10,
                "questionnaire/_chart_alerts.html",
                STAFF,
                questionnaire_chart.load_alerts,
            ),
            # The role's main actions, at the top: a practitioner writes today's note or records a check-in,
            # front desk sends the intake (the card of where it stands, with its buttons).
            ChartSection(
                "visit_action",
                1,
                "visits/_chart_actions.html",
                (PRACTITIONER,),
                visits_chart.load_visit_action,
                place=ACTIONS,
            ),
            ChartSection(
                "check_in_action",
                2,
                "pain/_chart_actions.html",
                (PRACTITIONER,),
                nothing_to_load,
                place=ACTIONS,
            ),
            ChartSection(
                "intake_desk",
                3,
                "questionnaire/_chart_intake.html",
                (FRONT_DESK,),
                questionnaire_chart.load_intake_actions,
                place=ACTIONS,
            ),
            ChartSection(
                "progress",
                20,
                "outcomes/_chart_section.html",
                CLINICAL,
                outcomes_chart.progress_section,
                group=SUMMARY,
            ),
            ChartSection(
                "visits", 25, "visits/_chart_timeline.html", STAFF, visits_chart.load_timeline, title="Visits"
            ),
            ChartSection(
                "pain", 30, "pain/_chart_section.html", CLINICAL, pain_chart.pain_summary, title="Pain"
            ),
            ChartSection(
                "intake",
                40,
                "questionnaire/_chart_intake.html",
                CLINICAL,
                questionnaire_chart.load_intake_actions,
                group="intakes",
                title="Intakes",
            ),
            ChartSection(
                "intake_answers",
                41,
                "questionnaire/_chart_answers.html",
                CLINICAL,
                questionnaire_chart.load_latest_answers,
                group="intakes",
            ),
            # Every staff role: email a form link, the messages sent, the next visit planned (no clinical words).
            ChartSection(
                "messages",
                700,
                "reminders/_chart_messages.html",
                STAFF,
                reminders_chart.messages_section,
                title="Messages and next visit",
            ),
            ChartSection(
                "printout",
                790,
                "printout/_chart_action.html",
                CLINICAL,
                printout_chart.print_action,
                group="records",
                title="Print and export",
            ),
            ChartSection(
                "record",
                800,
                "fhir/_chart_record.html",
                CLINICAL,
                fhir_chart.record_downloads,
                group="records",
            ),
            # Every staff role sees it: knowing that each look is recorded and shown is part of the safeguard.
            ChartSection(
                "audit_viewers",
                900,
                "audit/_chart_viewers.html",
                STAFF,
                audit_chart.chart_viewers,
                title="Who has looked",
            ),
        ),
    )


def register_providers(app: Flask) -> None:
    """Hand lower features what a higher one owns (the pain history shows the questionnaire's ODI, …)."""
    from intake.audit.commands import RECORD_CHECKS
    from intake.fhir.own_record import PRINTED_CHART
    from intake.outcomes.operations import open_episode_for_intake
    from intake.outcomes.summary import PEG_SERIES as EPISODE_PEG_SERIES
    from intake.pain.history import ODI_SERIES
    from intake.pain.peg import PEG_SERIES
    from intake.pain.report import UNSIGNED_VISITS
    from intake.printout.content import PROGRESS_SUMMARY
    from intake.questionnaire.odi_series import submitted_odi_records
    from intake.questionnaire.operations import ON_SUBMIT
    from intake.questionnaire.peg_series import submitted_peg_records
    from intake.visits.chart import unsigned_visit_ids
    from intake.visits.note_seal import signed_note_problems

    app.extensions[ODI_SERIES] = submitted_odi_records
    # The pain charts ring the scores of visit notes not signed yet.
    app.extensions[UNSIGNED_VISITS] = unsigned_visit_ids
    app.extensions[PEG_SERIES] = submitted_peg_records  # the check-ins' PEG, beside the ODI
    # An episode's progress judges PEG from the check-ins in its time.
    app.extensions[EPISODE_PEG_SERIES] = episode_peg_series
    # The printed chart shows the progress of every episode of care, as the progress page words it.
    app.extensions[PROGRESS_SUMMARY] = ("printout/_progress.html", every_episode_progress)
    # The patient's own record holds the whole printed chart beside the FHIR bundle.
    app.extensions[PRINTED_CHART] = whole_printed_chart
    # A submitted intake opens an episode of care for its complaint (unless one is open for it).
    app.extensions[ON_SUBMIT] = [open_episode_for_intake]
    # audit-verify checks each signed note against the seal its sign and amend events carry.
    app.extensions[RECORD_CHECKS] = [signed_note_problems]


def every_episode_progress(patient, period) -> dict:
    """Load each of the patient's episodes of care with its progress, for the printed chart."""
    from intake.outcomes.episodes import patient_episodes
    from intake.outcomes.summary import load_progress

    return {"episodes": [load_progress(state) for state in patient_episodes(patient.id)]}


def episode_peg_series(patient_id: int, start, end) -> list:
    """Return the PEG scores of the patient's check-ins from ``start`` to ``end`` (None: now), for an episode."""
    from intake.outcomes.progress import Measurement
    from intake.pain.history import Period
    from intake.questionnaire.peg_series import submitted_peg_records

    return [
        Measurement(r.submitted_at, r.score) for r in submitted_peg_records(patient_id, Period(start, end))
    ]


def whole_printed_chart(patient) -> bytes:
    """Render the patient's whole printed chart as a PDF, for the patient's own record."""
    from intake.printout.content import PrintPeriod, load_printout
    from intake.printout.pdf import render_pdf

    return render_pdf(load_printout(patient, PrintPeriod()))


def register_request_hooks(app: Flask) -> None:
    from intake.auth.access import enforce_declared_access
    from intake.auth.csrf import protect_posts
    from intake.auth.sessions import SessionCookies, enforce_session_limits
    from intake.request_checks import refuse_unusable_input
    from intake.security_headers import add_security_headers, trust_proxies

    trust_proxies(app)
    app.session_interface = SessionCookies()
    app.before_request(enforce_session_limits)  # first: a timed-out session is treated as signed out
    app.before_request(enforce_declared_access)
    app.before_request(refuse_unusable_input)
    app.before_request(protect_posts)
    app.after_request(add_security_headers)


def register_template_helpers(app: Flask) -> None:
    from intake import clinic_time
    from intake.auth import roles

    app.add_template_filter(clinic_time.format_datetime, "datetime")
    app.add_template_filter(clinic_time.format_date, "date")

    from intake.layout import register_layout
    from intake.pain.bodymap import body_map_template_context

    register_layout(app)

    # Globals rather than a context processor, so macros imported without context see them too.
    app.jinja_env.globals.update(body_map_template_context())

    @app.context_processor
    def clinic_context():
        return {
            "clinic_name": app.config["CLINIC_NAME"],
            "ROLE_ADMIN": roles.ADMIN,
            "ROLE_PRACTITIONER": roles.PRACTITIONER,
            "ROLE_FRONT_DESK": roles.FRONT_DESK,
            "CLINICAL_ROLES": roles.CLINICAL,
        }


def register_error_handlers(app: Flask) -> None:
    from intake.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from intake.commands import register_commands as register

    register(app)
