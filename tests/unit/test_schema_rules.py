"""Rules the database itself enforces, whatever code writes to it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from helpdesk_tui.data.engine import Database
from helpdesk_tui.data.key_codec import key_digest, key_last4, new_key
from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def _guardian(db: Database) -> int:
    with db.write() as session:
        guardian = Guardian(first_name="Inés", last_name="Núñez")
        session.add(guardian)
        session.flush()
        return guardian.id  # type: ignore[return-value]


def _key(guardian_id: int, status: str = "active") -> ActivationKey:
    key = new_key()
    return ActivationKey(
        guardian_id=guardian_id,
        digest=key_digest(key),
        last4=key_last4(key),
        status=status,
        issued_at=NOW,
    )


def test_a_second_active_key_for_one_guardian_is_rejected(db: Database) -> None:
    guardian_id = _guardian(db)
    with db.write() as session:
        session.add(_key(guardian_id))
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(_key(guardian_id))
    with db.read() as session:
        keys = session.exec(ActivationKey.__table__.select()).all()  # type: ignore[attr-defined]
    assert [k.status for k in keys] == ["active"]


def test_revoked_and_redeemed_keys_do_not_count_against_the_one_active_key(db: Database) -> None:
    guardian_id = _guardian(db)
    with db.write() as session:
        session.add(_key(guardian_id, "revoked"))
        session.add(_key(guardian_id, "redeemed"))
        session.add(_key(guardian_id, "active"))
    with db.read() as session:
        statuses = sorted(k.status for k in session.exec(ActivationKey.__table__.select()).all())  # type: ignore[attr-defined]
    assert statuses == ["active", "redeemed", "revoked"]


def test_usernames_are_unique_whatever_their_case(db: Database) -> None:
    first, second = _guardian(db), _guardian(db)
    with db.write() as session:
        session.add(
            PortalAccount(
                kind="guardian",
                guardian_id=first,
                username="MNunez7",
                username_key="mnunez7",
                created_at=NOW,
            )
        )
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(
            PortalAccount(
                kind="guardian",
                guardian_id=second,
                username="mnunez7",
                username_key="mnunez7",
                created_at=NOW,
            )
        )


def test_an_account_belongs_to_exactly_one_guardian_or_student(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(
            PortalAccount(
                kind="guardian", username="nobody1", username_key="nobody1", created_at=NOW
            )
        )
