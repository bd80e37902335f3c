"""Command-line tasks: ``flask --app wsgi <command>``."""

import click
from flask import Flask

from intake.auth.models import User, normalize_email
from intake.auth.roles import ALL_ROLES
from intake.extensions import db
from intake.staff.forms import password_problem


def register_backup_commands(app: Flask) -> None:
    """Register ``backup`` and ``restore`` (intake/backup.py)."""
    from intake.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def clinic_size_options(command):
    """Add seed-demo's options for a generated clinic of a given size (intake/clinic_generator.py)."""
    command = click.option(
        "--end-date",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="The day the generated history ends before (default: today at the clinic).",
    )(command)
    command = click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")(
        command
    )
    command = click.option("--visits", type=int, help="Generate this many visits over fifteen years.")(
        command
    )
    return click.option("--patients", type=int, help="Generate a clinic of this many patients.")(command)


def generate_clinic_command(if_empty, patients, visits, seed, end_date) -> None:
    """Generate a clinic in bulk into an empty database, with a message for every refusal."""
    import time

    from sqlalchemy.exc import OperationalError

    from intake.clinic_generator import existing_data_problem, generate_clinic
    from intake.clinic_time import clinic_today
    from intake.refused import Refused

    if patients is None or visits is None:
        raise click.UsageError("Give both --patients and --visits to generate a clinic.")
    started = time.monotonic()
    try:
        if if_empty and existing_data_problem() is not None:
            click.echo(f"Demo data not generated: {existing_data_problem()}")
            return
        clinic = generate_clinic(
            patients=patients,
            visits=visits,
            seed=seed,
            end_day=end_date.date() if end_date else clinic_today(),
        )
    except Refused as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    except OperationalError as error:
        db.session.rollback()
        raise click.ClickException(
            f"Cannot reach the database ({error.orig.__class__.__name__}: {str(error.orig).strip()}). "
            "Check DATABASE_URL, that the server runs, and that the schema is migrated (flask db upgrade)."
        ) from None
    click.echo(
        f"Generated {clinic.patients} patients, {clinic.visits} visits ({clinic.amendments} amended), "
        f"{clinic.pain_scores} pain scores and {clinic.audit_events} audit events "
        f"in {time.monotonic() - started:.1f} s."
    )
    click.echo(f"The patient with the long history: /patients/{clinic.long_history_patient_id}")
    _echo_logins(clinic.logins)


def register_commands(app: Flask) -> None:
    register_backup_commands(app)

    @app.cli.command("create-user")
    @click.option("--email", required=True, help="Sign-in email, unique.")
    @click.option("--name", "full_name", required=True, help="Full name as shown on notes.")
    @click.option("--role", type=click.Choice(ALL_ROLES), required=True)
    @click.option("--designation", default="", help="Professional designation, e.g. R.Ac or RMT.")
    @click.password_option("--password", help="Prompted twice when not given.")
    def create_user_command(email, full_name, role, designation, password):
        """Create a staff account."""
        from intake.staff.operations import create_account

        if db.session.scalar(db.select(User).where(User.email == normalize_email(email))):
            raise click.ClickException(f"A staff account with email {email} already exists.")
        problem = password_problem(password)
        if problem:
            raise click.ClickException(f"Password refused: {problem}")
        user = create_account(  # audited like an account an administrator creates, by the command line
            email=email, full_name=full_name, role=role, password=password, designation=designation
        )
        db.session.commit()
        click.echo(f"Created {user.role} account for {user.full_name} <{user.email}>.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when staff accounts already exist.")
    @clinic_size_options
    def seed_demo_command(if_empty, patients, visits, seed, end_date):
        """Load demo staff and patients (for trying the app, never in production)."""
        from intake.demo import DEMO_STAFF, has_any_staff, seed_demo

        if patients is not None or visits is not None:
            generate_clinic_command(if_empty, patients, visits, seed, end_date)
            return
        if has_any_staff():
            if if_empty:
                click.echo("Demo data not loaded: this database already has staff accounts.")
                _echo_logins(DEMO_STAFF)
                return
            raise click.ClickException("This database already has staff accounts; demo data was not loaded.")
        logins = seed_demo()
        click.echo("Demo data loaded.")
        _echo_logins(logins)


def _echo_logins(logins) -> None:
    click.echo("Demo logins (email / password / role):")
    for login in logins:
        click.echo(f"  {login['email']:<28} {login['password']:<24} {login['role']}")
