"""Canned replies for each kind of request, in English and Spanish, with variables
filled in: {guardian}, {ticket}, {portal_url}, {hours}, {phone}. Written for this
product; staff preview (and may edit) the text before it is sent."""

from dataclasses import dataclass

from helpdesk_tui.services.district import DistrictInfo


@dataclass(frozen=True, slots=True)
class Canned:
    key: str
    title: str
    body: str


_EN = {
    "key_request": (
        "Key on its way",
        "Dear {guardian},\n\nWe have issued your personal Parent Portal activation key and sent it "
        'to the email address we have on file. Open {portal_url}, choose "New User?" and enter '
        "the key to create your login. The key works once and only for you.\n\n"
        "Reference: {ticket}. We are available {hours} at {phone}.",
    ),
    "key_already_used": (
        "Key used by another family member",
        "Dear {guardian},\n\nThe key you tried was already used to create a login, most often by "
        "another member of the family with the wrong key. Please call us at {phone} ({hours}) so "
        "we can confirm your identity and give you a key of your own.\n\nReference: {ticket}.",
    ),
    "account_disabled": (
        "Account unlocked",
        "Dear {guardian},\n\nYour Parent Portal account was disabled after several unsuccessful "
        "sign-ins. We have unlocked it; you can sign in again at {portal_url}. If you do not "
        'remember the password, use "Forgot Password?" on that page.\n\nReference: {ticket}.',
    ),
    "forgot_login": (
        "Username or password help",
        "Dear {guardian},\n\nFor your security we can only send login details to the verified "
        "security email on your account. We have sent them there. If you no longer use that "
        "address, please call {phone} ({hours}).\n\nReference: {ticket}.",
    ),
    "*": (
        "We are looking into it",
        "Dear {guardian},\n\nThank you for contacting the Parent Portal helpdesk. We have "
        "received your request and will get back to you within one business day.\n\n"
        "Reference: {ticket}. Hours: {hours}. Phone: {phone}.",
    ),
    "closing": (
        "Resolved",
        "Dear {guardian},\n\nWe believe your request is resolved. If anything is still not "
        "working, simply reply to this message and quote {ticket}.",
    ),
}
_ES = {
    "key_request": (
        "Clave enviada",
        "Estimado/a {guardian}:\n\nEmitimos su clave personal de activación del Portal de Padres "
        'y la enviamos al correo que tenemos registrado. Abra {portal_url}, elija "New User?" '
        "e ingrese la clave para crear su cuenta. La clave sirve una sola vez y solo para usted."
        "\n\nReferencia: {ticket}. Atendemos {hours} al {phone}.",
    ),
    "key_already_used": (
        "Clave usada por otro familiar",
        "Estimado/a {guardian}:\n\nLa clave que probó ya se usó para crear una cuenta, casi "
        "siempre por otro familiar que usó una clave equivocada. Llámenos al {phone} ({hours}) "
        "para confirmar su identidad y darle una clave propia.\n\nReferencia: {ticket}.",
    ),
    "account_disabled": (
        "Cuenta desbloqueada",
        "Estimado/a {guardian}:\n\nSu cuenta del Portal de Padres se desactivó después de "
        "varios intentos fallidos. Ya la desbloqueamos; puede entrar de nuevo en {portal_url}. "
        'Si no recuerda la contraseña, use "Forgot Password?" en esa página.\n\n'
        "Referencia: {ticket}.",
    ),
    "forgot_login": (
        "Ayuda con usuario o contraseña",
        "Estimado/a {guardian}:\n\nPor su seguridad solo enviamos datos de acceso al correo de "
        "seguridad verificado de su cuenta, y ya los enviamos allí. Si ya no usa ese correo, "
        "llame al {phone} ({hours}).\n\nReferencia: {ticket}.",
    ),
    "*": (
        "Estamos revisando su pedido",
        "Estimado/a {guardian}:\n\nGracias por comunicarse con el servicio de ayuda del Portal "
        "de Padres. Recibimos su pedido y le responderemos dentro de un día hábil.\n\n"
        "Referencia: {ticket}. Horario: {hours}. Teléfono: {phone}.",
    ),
    "closing": (
        "Resuelto",
        "Estimado/a {guardian}:\n\nCreemos que su pedido está resuelto. Si algo todavía no "
        "funciona, responda a este mensaje indicando {ticket}.",
    ),
}
LIBRARY = {"en": _EN, "es": _ES}
HOURS = {
    "en": "Monday to Friday, {open} to {close}",
    "es": "de lunes a viernes, de {open} a {close}",
}


def replies_for(category: str, lang: str) -> list[Canned]:
    """The answers for this category first, then the general ones."""
    library = LIBRARY.get(lang, _EN)
    keys = [k for k in (category, "*", "closing") if k in library]
    return [Canned(k, *library[k]) for k in dict.fromkeys(keys)]


def fill(
    canned: Canned,
    *,
    lang: str,
    guardian: str,
    ticket: str,
    district: DistrictInfo,
) -> str:
    hours = HOURS.get(lang, HOURS["en"]).format(
        open=district.hours_open, close=district.hours_close
    )
    return canned.body.format(
        guardian=guardian,
        ticket=ticket,
        portal_url=district.portal_url,
        hours=hours,
        phone=district.helpdesk_phone,
    )
