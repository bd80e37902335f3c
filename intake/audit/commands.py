"""``flask --app wsgi audit-verify``: walk the hash chain and report the first broken link."""

import click

from intake.audit import bp
from intake.audit.operations import verify_chain


@bp.cli.command("audit-verify")
def audit_verify_command():
    """Check that no audit event was changed, removed or inserted out of order."""
    result = verify_chain()
    if result.intact:
        click.echo(f"Audit trail intact: {result.checked} events checked.")
        return
    raise click.ClickException(
        f"Audit trail broken at event #{result.broken_event_id}: {result.problem}. "
        f"{result.checked} events before it are intact."
    )
