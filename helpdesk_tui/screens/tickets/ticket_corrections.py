"""Correcting a ticket on its screen: e for the category, u for the priority (the due
times follow), l to link the family a caller or an unknown address turned out to be."""

from collections.abc import Callable
from typing import Any

from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.tickets.choice_picker import ChoicePicker
from helpdesk_tui.screens.tickets.family_picker import FamilyPicker
from helpdesk_tui.services import tickets
from helpdesk_tui.services.guardians import GuardianHit
from helpdesk_tui.vocabulary import Category, Priority


class TicketCorrections(DeskScreen[None]):
    """The ticket screen's base: it sets ``detail`` and ``ticket_id`` and makes changes
    with ``_act`` (a change, then a reload)."""

    detail: tickets.TicketDetail | None
    ticket_id: int

    def _act(
        self, call: Callable[[Any], object], message: str, again: Callable[[], object] | None = None
    ) -> None:
        raise NotImplementedError

    def action_category(self) -> None:
        if self.detail:
            choices = [(c.value, c.label) for c in Category]
            self.show(
                ChoicePicker("Category", choices, self.detail.category),
                callback=lambda chosen: self._change(category=chosen),
            )

    def action_priority(self) -> None:
        if self.detail:
            choices = [(p.value, p.label) for p in Priority]
            self.show(
                ChoicePicker("Priority", choices, self.detail.priority),
                callback=lambda chosen: self._change(priority=chosen),
            )

    def _change(self, *, category: str | None = None, priority: str | None = None) -> None:
        d = self.detail
        if d is None or (category or priority) in (None, d.category, d.priority):
            return  # Esc, or the value it had
        staff, tid = self.staff, self.ticket_id
        what = (
            Category(category).label if category else f"{Priority(priority or '').label} priority"
        )
        self._act(
            lambda s: tickets.change_ticket(
                s, actor=staff, ticket_id=tid, category=category, priority=priority
            ),
            f"Now {what}; due times follow.",
        )

    def action_link(self) -> None:
        if self.detail:
            self.show(FamilyPicker(), callback=self._link)

    def _link(self, hit: GuardianHit | None) -> None:
        if hit is None:
            return
        staff, tid, gid = self.staff, self.ticket_id, hit.guardian_id
        self._act(
            lambda s: tickets.link_guardian(s, actor=staff, ticket_id=tid, guardian_id=gid),
            f"Linked to {hit.name}; g opens the family.",
        )
