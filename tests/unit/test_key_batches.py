"""Batch activation keys on both databases, on the small district of key_batch_world.py:
the dry run's counts and reasons, a run's keys, audit rows, emails and letters, and the
people a run must leave alone."""

import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from helpdesk_tui.data.key_codec import key_digest, key_last4, new_key
from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    KeyBatch,
    KeyBatchItem,
    OutboxMessage,
)
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.errors import DomainError
from helpdesk_tui.services.key_batches import (
    BatchChoice,
    continue_key_batch,
    plan_key_batch,
    start_key_batch,
)
from helpdesk_tui.vocabulary import BatchSkip, UsageCondition
from tests.unit.key_batch_world import (
    active_keys,
    audit_actions,
    build_world,
    letters_in,
    run_to_end,
)

NO_ACCOUNT, OUTSTANDING = UsageCondition.NO_ACCOUNT, UsageCondition.KEY_OUTSTANDING


def oak(status=NO_ACCOUNT, *, email=True, letters=True, **more):  # type: ignore[no-untyped-def]
    return BatchChoice(status, email=email, letters=letters, school_code="101", **more)


def rows(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def plan(db, actor, choice):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return plan_key_batch(s, actor=actor, choice=choice)


def skipped(result) -> dict[str, BatchSkip]:  # type: ignore[no-untyped-def]
    return {f.guardian: f.reason for f in result.skipped}


def test_the_dry_run_counts_and_says_who_is_skipped_and_why_writing_only_its_audit_row(db):
    world = build_world(db)
    before = {m: rows(db, m) for m in (ActivationKey, OutboxMessage, KeyBatch, KeyBatchItem)}

    both = plan(db, world.supervisor, oak())
    assert (both.school, both.families, both.to_issue) == ("Oak Elementary School", 7, 4)
    assert (both.by_email, both.by_letter, both.households) == (3, 4, 3)
    assert skipped(both) == {
        "Di Gamma": BatchSkip.RESTRICTED,
        "Ed Delta": BatchSkip.BLOCKED,
        "Flo Epsilon": BatchSkip.NO_ADDRESS,
    }
    assert skipped(plan(db, world.supervisor, oak(letters=False)))["Cy Beta"] == BatchSkip.NO_EMAIL
    assert skipped(plan(db, world.supervisor, oak(email=False)))["Flo Epsilon"] == (
        BatchSkip.NO_POSTAL
    )
    outstanding = plan(db, world.supervisor, oak(OUTSTANDING, days=30))
    assert (outstanding.families, outstanding.to_issue) == (2, 1)  # Ivy; Gus has a login
    assert skipped(outstanding) == {"Gus Zeta": BatchSkip.HAS_ACCOUNT}
    assert plan(db, world.supervisor, oak(OUTSTANDING, days=60)).families == 0
    district = plan(db, world.supervisor, BatchChoice(NO_ACCOUNT, email=True, letters=False))
    assert (district.school, district.families, district.to_issue) == ("the whole district", 8, 4)

    assert {m: rows(db, m) for m in before} == before
    dry_runs = audit_actions(db, "key_batch_dry_run")
    assert len(dry_runs) == 6 and rows(db, AuditEvent) == 6
    assert "Oak Elementary School, with rights, no account: 7 families" in dry_runs[0].detail


def test_a_run_gives_each_family_one_key_by_email_in_their_language_and_in_one_pdf(db, tmp_path):
    world = build_world(db)
    ids = world.ids
    (old_key,) = active_keys(db, ids["Ivy"])
    with db.write() as s:
        started = start_key_batch(
            s, actor=world.supervisor, choice=oak(), letters_folder=tmp_path / "letters",
            letters_to=tmp_path / "office.pdf",
        )  # fmt: skip
    assert (started.pending, started.skipped) == (4, 3)
    done = run_to_end(db, world.supervisor, started.batch_id)

    assert (done.state, done.issued, done.emailed, done.lettered) == ("done", 4, 3, 4)
    assert {f.guardian: f.reason for f in done.skipped_families} == {
        "Di Gamma": BatchSkip.RESTRICTED,
        "Ed Delta": BatchSkip.BLOCKED,
        "Flo Epsilon": BatchSkip.NO_ADDRESS,
    }
    families = [ids[n] for n in ("Ana", "Bo", "Cy", "Ivy")]
    for gid in families:
        assert len(active_keys(db, gid)) == 1
    for name in ("Di", "Ed", "Flo", "Gus", "Hal", "Kim"):
        assert len(active_keys(db, ids[name])) == (1 if name == "Gus" else 0)
    with db.read() as s:
        replaced = s.get(ActivationKey, old_key.id)
        assert replaced is not None
        assert (replaced.status, replaced.revoke_reason) == ("revoked", "replaced by batch #1")

    issued = audit_actions(db, "key_batch_issued")
    assert sorted(e.guardian_id for e in issued) == sorted(families)  # one row per key
    (run,) = audit_actions(db, "key_batch_run")
    assert run.detail.startswith("batch #1: Oak Elementary School")

    with db.read() as s:
        mail = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    assert [(m.guardian_id, m.kind) for m in mail] == [
        (ids[n], "activation_key") for n in ("Ivy", "Ana", "Bo")
    ]  # letter order; Cy has no email
    spanish, english = mail[1], mail[2]
    assert "su clave de activación" in spanish.subject and "Estimado/a Ana Alpha" in spanish.body
    assert "your Parent Portal activation key" in english.subject
    assert all(m.secret and m.secret not in m.body for m in mail)

    pdf = tmp_path / "office.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    pages = letters_in(db, world.supervisor, pdf)
    # Grade 1 (Cy's household), grade 2 (Ivy's), grade 3 (Ana and Bo's, together).
    assert [(gid, state) for gid, state, _ in pages] == [
        (ids[n], "active") for n in ("Cy", "Ivy", "Ana", "Bo")
    ]
    assert "Grade 1 · Beta, Tia" in pages[0][2] and "Clave de activación" in pages[2][2]
    assert not (tmp_path / "letters" / "batch-1-letters").exists()  # merged, then deleted


@pytest.mark.parametrize("role", ["agent", "clerk"])
def test_only_a_supervisor_runs_a_batch_and_every_refusal_is_audited(db, tmp_path, role):
    world = build_world(db)
    actor = getattr(world, role)
    with pytest.raises(ActionDenied, match="Only a supervisor"):
        plan(db, actor, oak())
    with db.write() as s, pytest.raises(ActionDenied):
        start_key_batch(s, actor=actor, choice=oak(), letters_folder=tmp_path)
    with db.write() as s:
        started = start_key_batch(
            s, actor=world.supervisor, choice=oak(letters=False), letters_folder=tmp_path
        )
    with db.write() as s, pytest.raises(ActionDenied):
        continue_key_batch(s, actor=actor, batch_id=started.batch_id)
    denied = [(e.action, e.staff_id) for e in audit_actions(db, "key_batch_dry_run", "denied")] + [
        (e.action, e.staff_id) for e in audit_actions(db, "key_batch_run", "denied")
    ]
    assert denied == [
        ("key_batch_dry_run", actor.id),
        ("key_batch_run", actor.id),
        ("key_batch_run", actor.id),
    ]
    assert rows(db, OutboxMessage) == 0 and audit_actions(db, "key_batch_issued") == []


def test_a_letter_lost_before_the_end_is_issued_again_with_a_new_key(db, tmp_path):
    world = build_world(db)
    with db.write() as s:
        started = start_key_batch(
            s, actor=world.supervisor, choice=oak(email=False), letters_folder=tmp_path
        )
    with db.write() as s:
        continue_key_batch(s, actor=world.supervisor, batch_id=started.batch_id, limit=1)
    parts = list((tmp_path / "batch-1-letters").glob("letters-*.pdf"))
    assert len(parts) == 1
    parts[0].write_bytes(b"%PDF-1.4 cut short")  # as a crash before it reached the disk
    done = run_to_end(db, world.supervisor, started.batch_id)

    cy = world.gid("Cy")  # the first letter: grade 1
    assert len(active_keys(db, cy)) == 1
    assert [e.guardian_id for e in audit_actions(db, "key_batch_issued")].count(cy) == 2
    pages = letters_in(db, world.supervisor, done.letters_to)
    assert [gid for gid, _, _ in pages][0] == cy and {s for _, s, _ in pages} == {"active"}


def test_families_given_a_key_elsewhere_are_left_alone(db, tmp_path):
    """A key given at a desk after the run started, a family waiting in another run,
    and (for the no-account list) an unused key an earlier run sent."""
    world = build_world(db)
    with db.write() as s:
        first = start_key_batch(
            s, actor=world.supervisor, choice=oak(letters=False), letters_folder=tmp_path
        )
    bo = world.gid("Bo")
    with db.write() as s:  # a desk reissues Bo's key meanwhile
        key = new_key()
        s.add(
            ActivationKey(
                guardian_id=bo, digest=key_digest(key), last4=key_last4(key), status="active",
                issued_at=datetime.now(UTC) + timedelta(seconds=1),
            )
        )  # fmt: skip
    district = plan(db, world.supervisor, BatchChoice(NO_ACCOUNT, email=True, letters=False))
    assert skipped(district)["Ana Alpha"] == BatchSkip.OTHER_BATCH
    assert "Hal Eta" not in skipped(district)

    done = run_to_end(db, world.supervisor, first.batch_id)
    assert {f.guardian: f.reason for f in done.skipped_families}["Bo Alpha"] == (
        BatchSkip.KEY_MEANWHILE
    )
    assert (
        len(active_keys(db, bo)) == 1
        and [e.guardian_id for e in audit_actions(db, "key_batch_issued")].count(bo) == 0
    )
    again = plan(db, world.supervisor, oak(letters=False))
    assert skipped(again)["Ana Alpha"] == BatchSkip.BATCH_KEY
    fresh = plan(db, world.supervisor, oak(OUTSTANDING, days=1))  # only Gus's key is old
    assert (fresh.families, fresh.to_issue) == (1, 0)


@pytest.mark.parametrize(
    ("choice", "words"),
    [
        (BatchChoice(NO_ACCOUNT, email=True, letters=False, school_code="9\x1b[2J"), "code 9[2J"),
        (BatchChoice(NO_ACCOUNT, email=False, letters=False), "Choose how the keys go out"),
        (BatchChoice(NO_ACCOUNT, email=True, letters=False, days=0), "1 to 3650"),
        (BatchChoice(UsageCondition.DISABLED, email=True, letters=False), "no account, or"),
    ],
)
def test_bad_choices_are_refused_in_words(db, choice, words):
    world = build_world(db)
    with pytest.raises(DomainError, match=words.replace("[", r"\[")):
        plan(db, world.supervisor, choice)


def test_a_letters_file_that_exists_is_refused_before_any_key_is_issued(db, tmp_path):
    world = build_world(db)
    taken = tmp_path / "office.pdf"
    taken.write_bytes(b"someone's file")
    for target, words in (
        (taken, "exists already"),
        (tmp_path / "no" / "x.pdf", "no folder"),
        (tmp_path / ("x" * 5000), "too long"),  # a pasted blob
        (tmp_path / ("x" * 300 + ".pdf"), "File name too long"),  # the system's own limit
    ):
        with db.write() as s, pytest.raises(DomainError, match=words):
            start_key_batch(
                s, actor=world.supervisor, choice=oak(), letters_folder=tmp_path,
                letters_to=target,
            )  # fmt: skip
    assert rows(db, KeyBatch) == 0 and taken.read_bytes() == b"someone's file"


def test_letters_of_a_group_that_never_committed_are_not_taken_for_its_keys(db, tmp_path):
    """A group's letters reach the disk before its commit: killed (here rolled back)
    after that, its file stays, with keys that were never saved. The run resumed gives
    those families new keys; the PDF holds each family once, with the key saved."""
    world = build_world(db, extra=5)
    with db.write() as s:
        started = start_key_batch(s, actor=world.supervisor, choice=oak(), letters_folder=tmp_path)
    keys_before = rows(db, ActivationKey)
    with pytest.raises(RuntimeError), db.write() as s:
        continue_key_batch(s, actor=world.supervisor, batch_id=started.batch_id, limit=3)
        raise RuntimeError("killed before the commit")
    stale = list((tmp_path / "batch-1-letters").glob("letters-*.pdf"))
    assert len(stale) == 1 and rows(db, ActivationKey) == keys_before  # on disk, not saved
    with db.write() as s:  # other families first: the next group is not the same
        continue_key_batch(s, actor=world.supervisor, batch_id=started.batch_id, limit=2)
    done = run_to_end(db, world.supervisor, started.batch_id)

    pages = letters_in(db, world.supervisor, done.letters_to)
    assert {state for _, state, _ in pages} == {"active"}
    assert len(pages) == len({gid for gid, _, _ in pages}) == done.issued
