"""Who may call which service, for every public service that takes ``actor`` (issue 11:
a clerk reached other schools' tickets through services that took the actor and never
looked at it).

The services are found by introspection: every function exported by a feature package
under helpdesk_tui/services (and services.presence) with an ``actor`` parameter. Each
must have a row in permission_cases.CASES, so a new one fails here until someone says
who may call it. Each row is called as the agent, a clerk of the family's school, a
clerk of another school and the supervisor, on SQLite and PostgreSQL: an allowed call
must go through; a refused one must raise the refusal and leave a committed "denied"
audit row for that actor.
"""

import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

import helpdesk_tui.services as services_package
from helpdesk_tui.data.engine import Database, build_engine
from helpdesk_tui.data.tables import AuditEvent
from tests.conftest import BACKENDS
from tests.unit.decision_cases import decision_cases
from tests.unit.key_batch_world import batch_key_cases
from tests.unit.permission_cases import CASES as LISTED
from tests.unit.permission_cases import ROLES, Case
from tests.unit.permission_world import World, build_world


def actor_services() -> dict[str, Callable[..., Any]]:
    """``"package.function"`` for every public function of a feature package (its
    ``__all__``, or its public names) whose signature has an ``actor`` parameter."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(services_package.__path__):
        if info.name == "kernel":  # the checks themselves, not services
            continue
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        names = getattr(module, "__all__", None) or [
            n for n in vars(module) if not n.startswith("_")
        ]
        for name in names:
            obj = getattr(module, name)
            home = getattr(obj, "__module__", "") or ""
            if not inspect.isfunction(obj) or not home.startswith(module.__name__):
                continue  # re-exported from elsewhere: listed under its own package
            if "actor" in inspect.signature(obj).parameters:
                found[f"{info.name}.{name}"] = obj
    return found


SERVICES = actor_services()
# Batch keys' rows live with their district, the decision lists' in their own file.
CASES = {**LISTED, **batch_key_cases(), **decision_cases()}


def test_every_service_taking_an_actor_is_in_the_matrix() -> None:
    missing = sorted(set(SERVICES) - set(CASES))
    assert not missing, (
        f"{', '.join(missing)} take(s) `actor` but {'is' if len(missing) == 1 else 'are'} "
        "not in the permission matrix: add a row for each to CASES in "
        "tests/unit/permission_cases.py saying who may call it (agent, clerk of the "
        "family's school, clerk of another school, supervisor) and how to build the call."
    )
    stale = sorted(set(CASES) - set(SERVICES))
    assert not stale, f"{', '.join(stale)}: no such service takes `actor` now; remove the rows."
    assert all(
        len(c.verdicts) == len(ROLES) and set(c.verdicts) <= {"Y", "N"} for c in CASES.values()
    )


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """A copy of the demo district for this module, per database (copied from the
    session's template: milliseconds on SQLite, CREATE DATABASE ... TEMPLATE on
    PostgreSQL)."""
    folder = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        path = folder / "matrix.sqlite3"
        shutil.copyfile(request.getfixturevalue("_seeded_sqlite_file"), path)
        url = f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("_seeded_pg_template")
        url = request.getfixturevalue("pg_databases").create(template=template)
    database = Database(build_engine(url))
    yield build_world(database, folder / "reports")
    database.dispose()


def _denied_since(db: Database, after: int, staff_id: int) -> list[AuditEvent]:
    with db.read() as s:
        return list(
            s.exec(
                select(AuditEvent).where(
                    col(AuditEvent.id) > after,
                    col(AuditEvent.staff_id) == staff_id,
                    col(AuditEvent.outcome) == "denied",
                )
            ).all()
        )


def _call(db: Database, service: Callable[..., Any], actor: object, kwargs: dict[str, Any]) -> Any:
    """The call in one write transaction, as the app runs an action; an iterator (a
    streamed report) is read to its end inside it."""
    with db.write() as s:
        result = service(s, actor=actor, **kwargs)
        if isinstance(result, Iterator):
            result = list(result)
        return result


def _run(world: World, name: str, case: Case, role: str, verdict: str) -> str | None:
    """What is wrong with this call as this role, or None."""
    with world.db.write() as s:  # the preconditions, in one transaction
        ctx = world.ctx(role, s)
        kwargs = case.kwargs(ctx)
        before = s.exec(select(func.max(AuditEvent.id))).one() or 0
    try:
        result = _call(world.db, SERVICES[name], ctx.actor, kwargs)
    except Exception as exc:  # noqa: BLE001 - judged below
        if verdict == "Y":
            return f"refused, but may: {type(exc).__name__}: {exc}"
        if not isinstance(exc, case.refusal):
            return f"raised {type(exc).__name__} ({exc}), not {case.refusal.__name__}"
        if not _denied_since(world.db, before, ctx.actor.id):
            return f"refused ({exc}) without a committed 'denied' audit row"
        return None
    if verdict == "N":
        return "allowed, but must be refused"
    if case.check is not None:
        try:
            case.check(ctx, result)
        except AssertionError as exc:
            return f"allowed, but {exc}"
    return None


@pytest.mark.parametrize("name", sorted(set(SERVICES) & set(CASES)))
def test_who_may_call(world: World, name: str) -> None:
    case = CASES[name]
    problems = [
        f"  as {role}: {problem}"
        for role, verdict in zip(ROLES, case.verdicts, strict=True)
        if (problem := _run(world, name, case, role, verdict))
    ]
    assert not problems, f"{name}:\n" + "\n".join(problems)
