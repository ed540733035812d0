"""`helpdesk policy`: the caller-verification policy, shown to anyone and changed by
supervisors (audited)."""

from __future__ import annotations

import click

from helpdesk_tui.cli._common import (
    database_for,
    demo_option,
    emit,
    json_option,
    run_as_staff,
    run_service,
    staff_option,
)


@click.group(invoke_without_command=True)
@demo_option()
@json_option
@click.pass_context
def policy(ctx: click.Context, demo: bool, as_json: bool) -> None:
    """The caller-verification policy. With no command, shows it."""
    ctx.ensure_object(dict)
    ctx.obj["policy_demo"] = demo
    ctx.obj["policy_json"] = as_json
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.services.verification import get_policy

        _, database = database_for(ctx, demo=demo)
        current = run_service(database, get_policy, write=False)
        emit(current, current.describe(), as_json=as_json)


@policy.command("set")
@click.option("--screening-required", type=int, help="Screening answers that must match.")
@click.option("--proofs", help="Comma-separated: email_code, callback, photo_id.")
@click.option("--pass-minutes", type=int, help="How long a pass lets staff act.")
@click.option("--failure-limit", type=int, help="Failures in 24 hours that block a guardian.")
@staff_option()
@json_option
@click.pass_context
def policy_set(
    ctx: click.Context,
    screening_required: int | None,
    proofs: str | None,
    pass_minutes: int | None,
    failure_limit: int | None,
    staff: str,
    as_json: bool,
) -> None:
    """Change the policy (supervisors; audited)."""
    from helpdesk_tui.services.verification import set_policy

    after = run_as_staff(
        ctx,
        staff,
        lambda s, a: set_policy(
            s,
            actor=a,
            screening_required=screening_required,
            proofs=tuple(p.strip() for p in proofs.split(",") if p.strip())
            if proofs is not None
            else None,
            pass_minutes=pass_minutes,
            failure_limit=failure_limit,
        ),
        demo=ctx.obj.get("policy_demo", False),
    )
    emit(
        after,
        f"Policy now: {after.describe()}",
        as_json=as_json or bool(ctx.obj.get("policy_json")),
    )
