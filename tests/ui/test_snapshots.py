"""Snapshots of the main screens on the fixed demo district (Textual is pinned exactly).

Update after an intended change with: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from textual.pilot import Pilot

from tests.ui.helpers import SIZE, make_app, search, settle, sign_in


def test_sign_in_screen(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=settle)


def test_lookup_screen_with_results(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    async def type_query(pilot: Pilot) -> None:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "nunez")

    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=type_query)


def test_guardian_detail_screen(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    async def open_guardian(pilot: Pilot) -> None:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "nunez")
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=open_guardian)


def test_verify_caller_screen(snap_compare, sqlite_seeded) -> None:  # type: ignore[no-untyped-def]
    async def start_verifying(pilot: Pilot) -> None:
        await settle(pilot)
        await sign_in(pilot)
        await search(pilot, "nunez")
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_seeded), terminal_size=SIZE, run_before=start_verifying)
