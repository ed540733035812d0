"""Portal history for demo guardians: accounts in every state, their keys and the
access log (a part of DistrictGenerator, kept apart for size)."""

import random
from datetime import datetime, timedelta

from helpdesk_tui.data.demo.rows import (
    DEMO_PORTAL_PASSWORD_HASH,
    DISABLED_REASON,
    KEY_VALID_DAYS,
    STATES,
    Batch,
    Person,
    RowIds,
    SampleKeys,
    demo_key,
)
from helpdesk_tui.data.key_codec import key_digest, key_last4
from helpdesk_tui.data.normalize import fold


class PortalHistory:
    """Mixed into DistrictGenerator, which sets these attributes."""

    seed: int
    now: datetime
    rng: random.Random
    ids: RowIds
    samples: SampleKeys

    def _portal_state(self, batch: Batch, person: Person, family: list[Person]) -> None:
        rng = self.rng
        roll, state = rng.random(), "none"
        for name, share in STATES:
            if roll < share:
                state = name
                break
            roll -= share
        others = [p for p in family if p is not person]
        if state == "wrong_member" and not others:
            state = "active"
        if state == "none":
            return
        if state in ("key_outstanding", "key_expired"):
            issued = (
                self._past(days=60)
                if state == "key_outstanding"
                else self._past(days=400, at_least=100)
            )
            key_id = self._key(
                batch, person.id, "active" if state == "key_outstanding" else "expired", issued
            )
            if state == "key_outstanding" and len(self.samples.outstanding) < 3:
                self.samples.outstanding.append(demo_key(self.seed, key_id))
            return
        created = self._past(days=700, at_least=30)
        if rng.random() < 0.1:  # an earlier key, revoked when this one was issued
            self._key(
                batch,
                person.id,
                "revoked",
                created - timedelta(days=rng.randint(5, 40)),
                revoked=created - timedelta(days=1),
            )
        account_id = self.ids.next("portal_account")
        name_source = rng.choice(others) if state == "wrong_member" else person
        username = f"{''.join(ch for ch in fold(name_source.first[0] + name_source.last) if ch.isalnum())[:16]}{person.id}"
        person.username = username
        key_id = self._key(
            batch,
            person.id,
            "redeemed",
            created - timedelta(days=rng.randint(0, 20)),
            redeemed=(created, account_id),
        )
        if state == "wrong_member" and len(self.samples.redeemed_by_other_member) < 3:
            self.samples.redeemed_by_other_member.append(demo_key(self.seed, key_id))
        security = person.email if person.email and rng.random() < 0.75 else None
        verified = bool(security) and rng.random() < 0.8
        attempts = self._login_history(
            batch, account_id, username, created, disabled=state == "disabled"
        )
        last_login = max((t for t, ok in attempts if ok), default=None)
        disabled_at = attempts[-1][0] if state == "disabled" else None
        batch.rows["portal_account"].append(
            (
                account_id,
                "guardian",
                person.id,
                None,
                username,
                username.casefold(),
                "disabled" if state == "disabled" else "active",
                5 if state == "disabled" else 0,
                disabled_at,
                DISABLED_REASON if disabled_at else None,
                last_login,
                created,
                security,
                verified,
                created + timedelta(hours=2) if verified else None,
                DEMO_PORTAL_PASSWORD_HASH,
            )
        )

    def _key(
        self,
        batch: Batch,
        guardian_id: int,
        status: str,
        issued: datetime,
        *,
        redeemed: tuple[datetime, int] | None = None,
        revoked: datetime | None = None,
    ) -> int:
        key_id = self.ids.next("activation_key")
        key = demo_key(self.seed, key_id)
        redeemed_at, account_id = redeemed if redeemed else (None, None)
        batch.rows["activation_key"].append(
            (
                key_id,
                guardian_id,
                key_digest(key),
                key_last4(key),
                status,
                issued,
                None,
                issued + timedelta(days=KEY_VALID_DAYS),
                redeemed_at,
                account_id,
                revoked,
                None,
                "reissued at the guardian's request" if revoked else None,
            )
        )
        return key_id

    def _login_history(
        self, batch: Batch, account_id: int, username: str, created: datetime, *, disabled: bool
    ) -> list[tuple[datetime, bool]]:
        rng = self.rng
        times = sorted(
            created + (self.now - created) * rng.random() for _ in range(rng.randint(1, 4))
        )
        attempts = [(t, rng.random() < 0.85) for t in times]
        if disabled:
            start = self._past(days=20)
            attempts += [(start + timedelta(minutes=2 * i), False) for i in range(5)]
        ip = f"203.0.113.{rng.randint(1, 254)}"
        for when, ok in attempts:
            batch.rows["login_attempt"].append(
                (
                    self.ids.next("login_attempt"),
                    account_id,
                    username,
                    when,
                    ip if rng.random() < 0.8 else f"198.51.100.{rng.randint(1, 254)}",
                    ok,
                )
            )
        return attempts

    def _past(self, *, days: int, at_least: int = 0) -> datetime:
        return self.now - timedelta(
            days=self.rng.randint(at_least, days), minutes=self.rng.randrange(24 * 60)
        )
