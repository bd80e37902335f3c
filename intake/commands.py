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
    def seed_demo_command(if_empty):
        """Load demo staff and patients (for trying the app, never in production)."""
        from intake.demo import DEMO_STAFF, has_any_staff, seed_demo

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
