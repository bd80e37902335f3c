"""``flask --app wsgi audit-verify`` and ``audit-checkpoint``: check the trail, and sign where it stands.

``audit-verify`` walks the keyed hash chain, compares it with every signed checkpoint (so deleted newest
events are reported), runs the record checks the features hand down (signed visit notes against the
hashes their sign and amend events carry), and, when all is intact, signs a new checkpoint.
"""

from collections.abc import Callable, Iterable

import click
from flask import current_app

from intake.audit import bp, checkpoints
from intake.audit.chain import ChainCheck, audit_key, verify_chain

#: app.extensions key of the record checks higher features hand down: callables returning problems.
RECORD_CHECKS = "audit_record_checks"


def record_checks() -> list[Callable[[], Iterable[str]]]:
    """Return the checks of records against their audit events that the factory registered."""
    return list(current_app.extensions.get(RECORD_CHECKS, ()))


def sign_checkpoint(result: ChainCheck) -> checkpoints.Checkpoint | None:
    """Sign a checkpoint of the trail as ``result`` found it intact (nothing to sign on an empty trail)."""
    if result.last_id is None:
        return None
    return checkpoints.write_checkpoint(
        current_app,
        audit_key(),
        last_id=result.last_id,
        last_hash=result.last_hash,
        count=result.checked,
        hmac_from=result.first_keyed_id,
    )


@bp.cli.command("audit-verify")
def audit_verify_command():
    """Check that no audit event or signed note was changed, removed or inserted behind the app's back."""
    result = verify_chain()
    if not result.intact:
        if result.broken_event_id is None:
            raise click.ClickException(
                f"Audit trail broken: {result.problem}. {result.checked} events are in the trail."
            )
        raise click.ClickException(
            f"Audit trail broken at event #{result.broken_event_id}: {result.problem}. "
            f"{result.checked} events before it are intact."
        )
    problems = [problem for check in record_checks() for problem in check()]
    if problems:
        raise click.ClickException(
            "Records changed behind the audit trail's back:\n" + "\n".join(f"- {p}" for p in problems)
        )
    click.echo(f"Audit trail intact: {result.checked} events checked.")
    click.echo(f"{result.checkpoints_matched} signed checkpoints matched.")
    if sign_checkpoint(result) is not None:
        click.echo(
            f"Signed a checkpoint at event #{result.last_id} in {checkpoints.checkpoint_path(current_app)}."
        )


@bp.cli.command("audit-checkpoint")
def audit_checkpoint_command():
    """Sign a checkpoint of the audit trail as it stands (after checking it), e.g. nightly from cron."""
    result = verify_chain()
    if not result.intact:
        raise click.ClickException(
            f"Not signing a checkpoint: the audit trail is broken ({result.problem}). Run audit-verify."
        )
    if sign_checkpoint(result) is None:
        click.echo("The audit trail is empty: nothing to sign.")
        return
    click.echo(f"Signed a checkpoint at event #{result.last_id} ({result.checked} events).")
