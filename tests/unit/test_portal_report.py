"""The portal usage report on both databases: counts per school agree with the raw rows
and with the guardian lists behind them; supervisors only; CSV export."""

import csv
import stat
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlmodel import col, select

from helpdesk_tui.data.tables import (
    ActivationKey,
    AuditEvent,
    Guardian,
    GuardianStudent,
    PortalAccount,
    School,
    Student,
)
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.reports import export_usage_csv, portal_usage, usage_entries
from tests.conftest import SEED_NOW, sign_in

NOW = SEED_NOW + timedelta(days=1)


def expected_counts(database, days: int) -> dict[str, Counter]:  # type: ignore[no-untyped-def]
    """The same report computed the slow, obvious way from the rows."""
    with database.read() as s:
        students = {x.id: x for x in s.exec(select(Student)).all()}
        guardians = {g.id: g for g in s.exec(select(Guardian)).all()}
        schools = {x.id: x.name for x in s.exec(select(School)).all()}
        accounts = {a.guardian_id: a for a in s.exec(select(PortalAccount)).all() if a.guardian_id}
        old_keys = {
            k.guardian_id
            for k in s.exec(select(ActivationKey)).all()
            if k.status == "active" and k.issued_at < NOW - timedelta(days=days)
        }
        links = s.exec(select(GuardianStudent)).all()
    rights: dict[str, set[int]] = defaultdict(set)
    for link in links:
        student, guardian = students[link.student_id], guardians[link.guardian_id]
        if (
            link.portal_access
            and not link.restricted
            and student.active
            and guardian.active
            and (student.enrolled_this_year or student.enrolled_next_year)
        ):
            rights[schools[student.school_id]].add(guardian.id)
    counts: dict[str, Counter] = {}
    for school, ids in rights.items():
        c = Counter(with_rights=len(ids))
        for gid in ids:
            account = accounts.get(gid)
            c["no_account"] += account is None
            c["key_outstanding"] += gid in old_keys
            c["disabled"] += bool(account and account.status == "disabled")
            c["never_used"] += bool(
                account and account.status == "active" and account.last_login_at is None
            )
        counts[school] = c
    return counts


def test_counts_agree_with_the_rows_and_with_the_lists(seeded_db):
    boss = sign_in(seeded_db, "demo-supervisor")
    with seeded_db.read() as session:
        report = portal_usage(session, actor=boss, days=30, now=NOW)
        entries = list(usage_entries(session, actor=boss, days=30, now=NOW))
        district = list(usage_entries(session, actor=boss, days=30, whole_district=True, now=NOW))
    expected = expected_counts(seeded_db, 30)
    *schools, total = report
    assert {s.school for s in schools} == set(expected)
    listed = Counter((e.school, e.condition) for e in entries)
    for row in schools:
        want = expected[row.school]
        got = (row.with_rights, row.no_account, row.key_outstanding, row.disabled, row.never_used)
        assert got == tuple(
            want[k]
            for k in ("with_rights", "no_account", "key_outstanding", "disabled", "never_used")
        ), row.school
        for condition in ("no_account", "key_outstanding", "disabled", "never_used"):
            assert listed[(row.school, condition)] == getattr(row, condition)
    # The district's line counts a guardian with students at two schools once.
    assert total.school_id is None and total.with_rights <= sum(s.with_rights for s in schools)
    by_condition = Counter(e.condition for e in district)
    assert by_condition["disabled"] == total.disabled > 0
    assert by_condition["no_account"] == total.no_account > 0
    assert total.key_outstanding > 0 and total.never_used > 0


def test_the_days_threshold_moves_the_outstanding_count(seeded_db):
    boss = sign_in(seeded_db, "demo-supervisor")
    with seeded_db.read() as session:
        week = portal_usage(session, actor=boss, days=7, now=NOW)[-1].key_outstanding
        month = portal_usage(session, actor=boss, days=30, now=NOW)[-1].key_outstanding
    assert week > month > 0


def test_only_supervisors_see_it_and_a_refusal_is_audited(action_db):
    agent = sign_in(action_db, "demo-agent")
    with pytest.raises(ActionDenied, match="Only a supervisor"), action_db.write() as session:
        portal_usage(session, actor=agent)
    with action_db.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert (last.action, last.outcome, last.staff_username) == (
        "portal_report",
        "denied",
        "demo-agent",
    )


def test_export_writes_both_files_privately(seeded_db, tmp_path):
    boss = sign_in(seeded_db, "demo-supervisor")
    with seeded_db.read() as session:
        summary, details = export_usage_csv(
            session, actor=boss, folder=tmp_path / "reports", days=30, now=NOW
        )
        entries = list(usage_entries(session, actor=boss, days=30, now=NOW))
    for path in (summary, details):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(summary.parent.stat().st_mode) == 0o700
    rows = list(csv.DictReader(details.open(encoding="utf-8-sig")))
    assert len(rows) == len(entries)
    assert {r["list"] for r in rows} == {"No account", "Key outstanding", "Disabled", "Never used"}
    schools = list(csv.DictReader(summary.open(encoding="utf-8-sig")))
    assert schools[-1]["school"].startswith("Whole district")
    assert "key outstanding > 30 days" in schools[0]


@pytest.fixture(params=["sqlite", "pg"])
def fresh_district(request):  # type: ignore[no-untyped-def]
    """A copy of the demo district of each kind, for a test that renames people."""
    return request.getfixturevalue(f"{request.param}_seeded")


# A name as the database holds it -> the cell the spreadsheet gets.
FORMULAS = {
    '=HYPERLINK("http://evil.example","x")': '\'=HYPERLINK("http://evil.example","x") Muñoz',
    "+1+1": "'+1+1 Muñoz",
    "-2+3": "'-2+3 Muñoz",
    "@SUM(A1)": "'@SUM(A1) Muñoz",
    "\t=1+1": "' =1+1 Muñoz",  # a tab or line break is a space in a name
    "\r\x1b[2J": " [2J Muñoz",
}


def test_export_defuses_formulas_and_opens_in_excel_with_accents(fresh_district, tmp_path):
    database = fresh_district
    boss = sign_in(database, "demo-supervisor")
    with database.read() as session:
        entries = list(usage_entries(session, actor=boss, days=30, now=NOW))
    no_account = [e for e in entries if e.condition.label == "No account"][: len(FORMULAS)]
    with database.write() as session:
        for entry, formula in zip(no_account, FORMULAS, strict=True):
            guardian = session.get(Guardian, entry.guardian_id)
            assert guardian is not None
            guardian.first_name, guardian.last_name = formula, "Muñoz"
        school = session.exec(select(School).order_by(col(School.id))).first()
        assert school is not None
        school.name = "=1+2 Peña Elementary"
    with database.read() as session:
        summary, details = export_usage_csv(
            session, actor=boss, folder=tmp_path / "reports", days=30, now=NOW
        )
    for path in (summary, details):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel then reads UTF-8
    rows = list(csv.DictReader(details.open(encoding="utf-8-sig", newline="")))
    names = {r["guardian id"]: r["guardian"] for r in rows}
    for entry, formula in zip(no_account, FORMULAS, strict=True):
        assert names[str(entry.guardian_id)] == FORMULAS[formula]
    cells = [cell for r in rows for cell in r.values()]
    cells += [c for r in csv.reader(summary.open(encoding="utf-8-sig", newline="")) for c in r]
    assert "'=1+2 Peña Elementary" in cells
    assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@") or c[:1] in ("\t", "\r")]
