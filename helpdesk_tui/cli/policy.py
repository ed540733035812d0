"""`helpdesk policy`: the caller-verification and desk policies, shown to anyone and
changed by supervisors (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from sqlmodel import Session

    from helpdesk_tui.services.kernel.actors import StaffMember


@click.group(invoke_without_command=True)
@demo_option()
@json_option
@click.pass_context
def policy(ctx: click.Context, demo: bool, as_json: bool) -> None:
    """The caller-verification and desk policies. With no command, shows them."""
    ctx.ensure_object(dict)
    ctx.obj["policy_demo"] = demo
    ctx.obj["policy_json"] = as_json
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.services.staff import desk_policy
        from helpdesk_tui.services.verification import get_policy

        _, database = database_for(ctx, demo=demo)
        current = run_service(database, get_policy, write=False)
        desks = run_service(database, desk_policy, write=False)
        emit(
            {"verification": current, "desks": desks},
            f"{current.describe()}\n{desks.describe()}",
            as_json=as_json,
        )


@policy.command("set")
@click.option("--screening-required", type=int, help="Screening answers that must match.")
@click.option("--proofs", help="Comma-separated: email_code, callback, photo_id.")
@click.option("--pass-minutes", type=int, help="How long a pass lets staff act.")
@click.option("--failure-limit", type=int, help="Failures in 24 hours that block a guardian.")
@click.option("--staff-lockout", type=int, help="Wrong passwords before a staff account locks.")
@click.option("--desk-idle-minutes", type=int, help="Idle minutes before a desk locks itself.")
@staff_option()
@json_option
@click.pass_context
def policy_set(
    ctx: click.Context,
    screening_required: int | None,
    proofs: str | None,
    pass_minutes: int | None,
    failure_limit: int | None,
    staff_lockout: int | None,
    desk_idle_minutes: int | None,
    staff: str,
    as_json: bool,
) -> None:
    """Change the policy (supervisors; audited). One transaction; each part that
    changes leaves its own audit row."""
    from helpdesk_tui.services.staff import DeskPolicy, desk_policy, set_desk_policy
    from helpdesk_tui.services.verification import VerificationPolicy, get_policy, set_policy

    desk_change = staff_lockout is not None or desk_idle_minutes is not None
    proof_list = (
        tuple(p.strip() for p in proofs.split(",") if p.strip()) if proofs is not None else None
    )

    def change(s: Session, a: StaffMember) -> dict[str, VerificationPolicy | DeskPolicy]:
        desks = (
            set_desk_policy(
                s, actor=a, lockout_threshold=staff_lockout, idle_lock_minutes=desk_idle_minutes
            )
            if desk_change
            else desk_policy(s)
        )
        verification = (
            set_policy(
                s,
                actor=a,
                screening_required=screening_required,
                proofs=proof_list,
                pass_minutes=pass_minutes,
                failure_limit=failure_limit,
            )
            if not desk_change
            or (screening_required, proof_list, pass_minutes, failure_limit) != (None,) * 4
            else get_policy(s)
        )
        return {"verification": verification, "desks": desks}

    after = run_as_staff(ctx, staff, change, demo=ctx.obj.get("policy_demo", False))
    emit(
        after,
        f"Policy now: {after['verification'].describe()}\n{after['desks'].describe()}",
        as_json=as_json or bool(ctx.obj.get("policy_json")),
    )
