"""'My key was already used' on both databases, the printed letter, and the
guardian-facing texts in the guardian's language."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from helpdesk_tui.data.demo.rows import demo_key
from helpdesk_tui.data.tables import ActivationKey, Guardian, PortalAccount
from helpdesk_tui.services import recovery as keys
from helpdesk_tui.services.kernel.audit import ActionDenied
from helpdesk_tui.services.kernel.district import get_district
from helpdesk_tui.services.kernel.errors import NotFound
from helpdesk_tui.services.recovery import render_key_letter
from tests.conftest import SEED
from tests.recovery import audit_rows, outbox_for, pick_guardian, staff, verify


def redeemed_key(db) -> tuple[ActivationKey, PortalAccount, Guardian]:
    with db.read() as s:
        key, account, owner = s.exec(
            select(ActivationKey, PortalAccount, Guardian)
            .join(PortalAccount, col(PortalAccount.id) == col(ActivationKey.redeemed_by_account_id))
            .join(Guardian, col(Guardian.id) == col(PortalAccount.guardian_id))
            .where(col(ActivationKey.status) == "redeemed")
            .order_by(col(ActivationKey.id))
        ).first()
        for row in (key, account, owner):
            s.expunge(row)
        return key, account, owner


def test_a_key_read_out_with_spaces_in_lower_case_shows_who_redeemed_it(action_db):
    agent = staff(action_db, "demo-agent")
    key, account, owner = redeemed_key(action_db)
    spoken = " ".join(
        demo_key(SEED, key.id).strip("{}").replace("-", "").lower()[i : i + 4]
        for i in range(0, 32, 4)
    )
    with action_db.write() as s:
        found = keys.check_key(s, actor=agent, key_text=spoken)
    assert (found.status, found.last4, found.guardian_id) == (
        "redeemed",
        key.last4,
        key.guardian_id,
    )
    assert found.account_username == account.username
    assert found.account_guardian_name == f"{owner.first_name} {owner.last_name}"
    assert audit_rows(action_db, key.guardian_id)[-1].action == "key_checked"


def test_not_a_key_and_an_unknown_key_say_what_to_do(action_db):
    agent = staff(action_db, "demo-agent")
    with action_db.write() as s, pytest.raises(keys.InvalidKey, match="32 characters"):
        keys.check_key(s, actor=agent, key_text="my key is 1234")
    with action_db.write() as s, pytest.raises(keys.InvalidKey):
        keys.check_key(s, actor=agent, key_text="A" * 10_000)
    with action_db.write() as s, pytest.raises(NotFound, match="was ever issued here"):
        keys.check_key(s, actor=agent, key_text="0" * 32)


def test_a_clerk_cannot_look_up_another_schools_key(action_db):
    clerk = staff(action_db, "demo-clerk")
    with action_db.read() as s:
        from helpdesk_tui.data.tables import GuardianStudent, Student

        key = s.exec(
            select(ActivationKey)
            .where(
                ~select(GuardianStudent.id)
                .join(Student, col(Student.id) == col(GuardianStudent.student_id))
                .where(
                    col(GuardianStudent.guardian_id) == col(ActivationKey.guardian_id),
                    col(Student.school_id) == clerk.school_id,
                )
                .exists()
            )
            .order_by(col(ActivationKey.id))
        ).first()
    with pytest.raises(ActionDenied, match="no student at your school"), action_db.write() as s:
        keys.check_key(s, actor=clerk, key_text=demo_key(SEED, key.id))
    assert audit_rows(action_db, key.guardian_id)[-1].outcome == "denied"


def _spanish_guardian(db):
    with db.write() as s:
        g = s.get(Guardian, pick_guardian(db).id)
        g.preferred_language = "es"
        s.flush()
        s.expunge(g)
        return g


def test_a_spanish_speaking_guardian_gets_the_key_email_and_letter_in_spanish(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = _spanish_guardian(action_db)
    verify(action_db, agent, guardian)
    with action_db.write() as s:
        issued = keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="email", email_to=guardian.email
        )
        district = get_district(s)
    mail = outbox_for(action_db, guardian.id)
    key_mail = next(m for m in mail if m.kind == "activation_key")
    assert "clave de activación" in key_mail.subject and "Estimado/a" in key_mail.body
    assert all("aviso" in m.subject for m in mail if m.kind.startswith("notice"))
    pdf = render_key_letter(
        issued, district=district, staff_name="Alex Rivera", issued_on=issued.expires_at
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert issued.key in text and district.portal_url in text and district.name in text
    assert "Cómo crear su cuenta" in text and guardian.last_name in text


def test_english_letter_has_the_steps_and_survives_names_beyond_latin1(action_db):
    agent = staff(action_db, "demo-agent")
    guardian = pick_guardian(action_db)
    verify(action_db, agent, guardian)
    with action_db.write() as s:
        issued = keys.reissue_activation_key(
            s, actor=agent, guardian_id=guardian.id, delivery="letter"
        )
        district = get_district(s)
    from dataclasses import replace

    odd = replace(
        issued,
        language="en",
        guardian_name="Nguyễn Thị Ánh",
        mailing_address=("Nguyễn Thị Ánh", "1 Elm St"),
    )
    text = "".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(
                render_key_letter(
                    odd, district=district, staff_name="A", issued_on=issued.expires_at
                )
            )
        ).pages
    )
    assert "How to create your login" in text and "Nguyen" in text and odd.key in text
