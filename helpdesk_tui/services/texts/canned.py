"""Canned replies for each kind of request, in English and Spanish, with variables
filled in: {guardian}, {ticket}, {portal_url}, {hours}, {phone}. Written for this
product; staff preview (and may edit) the text before it is sent."""

from dataclasses import dataclass

from helpdesk_tui.services.kernel.district import DistrictInfo
from helpdesk_tui.vocabulary import AuditAction


@dataclass(frozen=True, slots=True)
class Canned:
    key: str
    title: str
    body: str


# What an answer tells the family was done: one of these actions must be on the
# ticket's timeline before it is true (the composer warns before sending it otherwise).
CLAIMS: dict[str, tuple[AuditAction, ...]] = {
    "key_request": (AuditAction.KEY_REISSUED,),
    "lost_key": (AuditAction.KEY_REISSUED,),
    "account_disabled": (AuditAction.ACCOUNT_UNLOCKED,),
    "forgot_login": (AuditAction.USERNAME_SENT, AuditAction.PASSWORD_RESET_SENT),
    "security_email": (AuditAction.VERIFICATION_RESENT,),
    "username_change": (AuditAction.USERNAME_CHANGED,),
}


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
    "lost_key": (
        "Replacement key sent",
        "Dear {guardian},\n\nWe have cancelled your earlier key and sent a new one to the email "
        'address on file. Only the newest key works. Open {portal_url}, choose "New User?" '
        "and enter it to create your login.\n\nReference: {ticket}. Questions: {phone} ({hours}).",
    ),
    "login_name_taken": (
        "Choosing a login name",
        "Dear {guardian},\n\nLogin names are shared by every family in the district, so a "
        "common name is often taken. Try adding digits (for example your initials and a year). "
        'If you think you already made an account, use "Forgot Username?" on {portal_url} '
        "instead of guessing passwords, which can lock the account.\n\nReference: {ticket}.",
    ),
    "security_email": (
        "Verifying your security email",
        "Dear {guardian},\n\nWe have sent a new verification link to the security email on your "
        'account. Open it within 48 hours; after that, "Forgot Password?" and "Forgot '
        'Username?" will work for you.\n\nReference: {ticket}.',
    ),
    "username_change": (
        "Username changed",
        "Dear {guardian},\n\nAs you asked, we changed your Parent Portal username. Your "
        "password is unchanged. Sign in at {portal_url} with the new username.\n\n"
        "Reference: {ticket}.",
    ),
    "no_account": (
        "How to get an account",
        "Dear {guardian},\n\nEach parent or guardian gets a personal activation key, which "
        "opens all of their students. Call us at {phone} ({hours}) or visit your school office "
        "with a photo ID, and we will issue yours.\n\nReference: {ticket}.",
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
    "lost_key": (
        "Clave de reemplazo enviada",
        "Estimado/a {guardian}:\n\nAnulamos su clave anterior y enviamos una nueva al correo "
        'registrado. Solo funciona la clave más reciente. Abra {portal_url}, elija "New User?" '
        "e ingrésela para crear su cuenta.\n\nReferencia: {ticket}. Consultas: {phone} ({hours}).",
    ),
    "login_name_taken": (
        "Cómo elegir un nombre de usuario",
        "Estimado/a {guardian}:\n\nLos nombres de usuario son compartidos por todas las familias "
        "del distrito, así que los nombres comunes suelen estar ocupados. Pruebe agregando "
        "números (por ejemplo sus iniciales y un año). Si cree que ya creó una cuenta, use "
        '"Forgot Username?" en {portal_url} en lugar de adivinar contraseñas, lo que puede '
        "bloquear la cuenta.\n\nReferencia: {ticket}.",
    ),
    "security_email": (
        "Verificación del correo de seguridad",
        "Estimado/a {guardian}:\n\nEnviamos un nuevo enlace de verificación al correo de "
        'seguridad de su cuenta. Ábralo dentro de 48 horas; después podrá usar "Forgot '
        'Password?" y "Forgot Username?".\n\nReferencia: {ticket}.',
    ),
    "username_change": (
        "Nombre de usuario cambiado",
        "Estimado/a {guardian}:\n\nComo nos pidió, cambiamos su nombre de usuario del Portal de "
        "Padres. Su contraseña no cambió. Entre en {portal_url} con el nuevo nombre.\n\n"
        "Referencia: {ticket}.",
    ),
    "no_account": (
        "Cómo obtener una cuenta",
        "Estimado/a {guardian}:\n\nCada padre, madre o tutor recibe una clave de activación "
        "personal que abre a todos sus estudiantes. Llámenos al {phone} ({hours}) o visite la "
        "oficina de su escuela con una identificación con foto y le daremos la suya.\n\n"
        "Referencia: {ticket}.",
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


def replies_for(category: str, lang: str, done: frozenset[str] = frozenset()) -> list[Canned]:
    """The answers for what was ``done`` (audit actions on the ticket's timeline) first,
    then this category's, then the general ones."""
    library = LIBRARY.get(lang, _EN)
    for_done = [k for k, actions in CLAIMS.items() if done.intersection(actions)]
    keys = [k for k in (*for_done, category, "*", "closing") if k in library]
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
