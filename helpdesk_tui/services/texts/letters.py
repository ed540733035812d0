"""Everything a guardian reads from us, in English and Spanish.

Written for this product (not copied from any district's documents). ``SECRET_MARK``
stands where a key, code or link goes: the outbox keeps it apart from the body and
erases it once the message is sent.
"""

from dataclasses import dataclass

from helpdesk_tui.data.tables.outbox import SECRET_MARK
from helpdesk_tui.vocabulary import AuditAction, Language


def language_of(preferred: str) -> Language:
    """The language we write to a guardian in: theirs when we have its texts, else English."""
    return Language(preferred) if Language.has(preferred) else Language.ENGLISH


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str


# What was done, as a guardian reads it in a notice ("... was done on your account").
ACTION_PHRASES = {
    "en": {
        "key_reissued": "a new portal activation key was issued and any earlier unused key was cancelled",
        "account_unlocked": "your disabled portal account was unlocked",
        "account_disabled": "your portal account was disabled",
        "username_sent": "your portal username was sent to your security email",
        "password_reset_sent": "a password reset link was sent to your security email",
        "verification_resent": "a new verification link was sent to your security email",
        "username_changed": "your portal username was changed",
        "account_reset": "your old portal login was closed and a new activation key was issued",
    },
    "es": {
        "key_reissued": "se emitió una nueva clave de activación del portal y se anuló cualquier clave anterior sin usar",
        "account_unlocked": "se desbloqueó su cuenta del portal, que estaba desactivada",
        "account_disabled": "se desactivó su cuenta del portal",
        "username_sent": "se envió su nombre de usuario del portal a su correo de seguridad",
        "password_reset_sent": "se envió un enlace para restablecer la contraseña a su correo de seguridad",
        "verification_resent": "se envió un nuevo enlace de verificación a su correo de seguridad",
        "username_changed": "se cambió su nombre de usuario del portal",
        "account_reset": "se cerró su acceso anterior al portal y se emitió una nueva clave de activación",
    },
}


def notice(
    lang: str, *, action: AuditAction, when: str, district: str, phone: str, email: str, name: str
) -> Letter:
    phrase = ACTION_PHRASES[lang][action]
    if lang == "es":
        return Letter(
            f"{district}: aviso de cambio en su cuenta del Portal de Padres",
            f"Estimado/a {name}:\n\n"
            f"Le avisamos que el {when} {phrase}, a pedido suyo, por el servicio de ayuda "
            f"del Portal de Padres.\n\n"
            f"Si usted no lo pidió, llame hoy mismo al {phone} o escriba a {email}. "
            f"No responda con contraseñas ni claves: nunca se las pediremos.\n\n"
            f"Servicio de ayuda del Portal de Padres, {district}\n",
        )
    return Letter(
        f"{district}: a change was made to your Parent Portal account",
        f"Dear {name},\n\n"
        f"This is to let you know that on {when} {phrase}, at your request, by the "
        f"Parent Portal helpdesk.\n\n"
        f"If you did not ask for this, call {phone} or write to {email} today. "
        f"Never send us a password or a key: we will never ask for one.\n\n"
        f"Parent Portal helpdesk, {district}\n",
    )


def key_steps(lang: str, portal_url: str) -> list[str]:
    if lang == "es":
        return [
            f"Abra el Portal de Padres en {portal_url}.",
            'Elija la entrada para padres y luego "New User?" (usuario nuevo).',
            "Escriba la clave tal como aparece arriba (mayúsculas, minúsculas y guiones dan igual).",
            "Elija un nombre de usuario (letras y números, no solo números) y una contraseña "
            "de 8 caracteres o más con letras, números y un símbolo.",
            "La clave sirve para una sola cuenta y le da acceso a todos sus estudiantes. "
            "Cada padre, madre o tutor tiene su propia clave: no use la de otra persona.",
        ]
    return [
        f"Open the Parent Portal at {portal_url}.",
        'Choose the parent sign-in, then "New User?".',
        "Type the key exactly as shown above (upper or lower case and dashes do not matter).",
        "Choose a username (letters and digits, not only digits) and a password of 8 or "
        "more characters with letters, digits and a symbol.",
        "The key makes one login and opens all of your students. Each parent or guardian "
        "has a key of their own: please do not use someone else's.",
    ]


def key_email(
    lang: str, *, name: str, district: str, portal_url: str, expires: str, phone: str
) -> Letter:
    steps = "\n".join(f"  {i}. {s}" for i, s in enumerate(key_steps(lang, portal_url), 1))
    if lang == "es":
        return Letter(
            f"{district}: su clave de activación del Portal de Padres",
            f"Estimado/a {name}:\n\n"
            f"Esta es su clave personal de activación del Portal de Padres:\n\n"
            f"    {SECRET_MARK}\n\n"
            f"Vence el {expires}. Para crear su cuenta:\n{steps}\n\n"
            f"¿Preguntas? Llame al {phone}.\n\n"
            f"Servicio de ayuda del Portal de Padres, {district}\n",
        )
    return Letter(
        f"{district}: your Parent Portal activation key",
        f"Dear {name},\n\n"
        f"Here is your personal Parent Portal activation key:\n\n"
        f"    {SECRET_MARK}\n\n"
        f"It expires on {expires}. To create your login:\n{steps}\n\n"
        f"Questions? Call {phone}.\n\n"
        f"Parent Portal helpdesk, {district}\n",
    )


def code_email(lang: str, *, name: str, district: str, minutes: int) -> Letter:
    if lang == "es":
        return Letter(
            f"{district}: su código de verificación",
            f"Estimado/a {name}:\n\n"
            f"Su código de verificación para el servicio de ayuda es {SECRET_MARK}.\n"
            f"Léaselo a la persona que le atiende. Vence en {minutes} minutos.\n\n"
            f"Si usted no está hablando con nosotros ahora, no comparta este código con nadie.\n",
        )
    return Letter(
        f"{district}: your verification code",
        f"Dear {name},\n\n"
        f"Your helpdesk verification code is {SECRET_MARK}.\n"
        f"Read it to the person helping you. It expires in {minutes} minutes.\n\n"
        f"If you are not talking to us right now, do not share this code with anyone.\n",
    )


def username_email(lang: str, *, name: str, district: str, portal_url: str) -> Letter:
    if lang == "es":
        return Letter(
            f"{district}: su nombre de usuario del Portal de Padres",
            f"Estimado/a {name}:\n\n"
            f"Su nombre de usuario del Portal de Padres es: {SECRET_MARK}\n\n"
            f"Inicie sesión en {portal_url}. Si tampoco recuerda la contraseña, use "
            f'"Forgot Password?" en esa página.\n',
        )
    return Letter(
        f"{district}: your Parent Portal username",
        f"Dear {name},\n\n"
        f"Your Parent Portal username is: {SECRET_MARK}\n\n"
        f'Sign in at {portal_url}. If you have also forgotten the password, use "Forgot '
        f'Password?" on that page.\n',
    )


def link_email(lang: str, *, purpose: str, name: str, district: str, hours: int) -> Letter:
    """A password-reset or security-email verification link."""
    if lang == "es":
        what = (
            "restablecer su contraseña"
            if purpose == "reset"
            else "verificar su correo de seguridad"
        )
        return Letter(
            f"{district}: enlace para {what}",
            f"Estimado/a {name}:\n\n"
            f"Abra este enlace para {what}:\n\n    {SECRET_MARK}\n\n"
            f"Sirve una sola vez y vence en {hours} horas. Si usted no lo pidió, ignore este "
            f"mensaje y avísenos.\n",
        )
    what = "reset your password" if purpose == "reset" else "verify your security email"
    return Letter(
        f"{district}: link to {what}",
        f"Dear {name},\n\n"
        f"Open this link to {what}:\n\n    {SECRET_MARK}\n\n"
        f"It works once and expires in {hours} hours. If you did not ask for it, ignore "
        f"this message and let us know.\n",
    )


LETTER_LABELS = {
    "en": {
        "title": "Parent Portal activation key",
        "for": "For",
        "key": "Your personal activation key",
        "expires": "Valid until",
        "steps": "How to create your login",
        "help": "Questions? Call the Parent Portal helpdesk at {phone} or write to {email}.",
        "issued": "Issued {date} by {staff}.",
    },
    "es": {
        "title": "Clave de activación del Portal de Padres",
        "for": "Para",
        "key": "Su clave personal de activación",
        "expires": "Válida hasta",
        "steps": "Cómo crear su cuenta",
        "help": "¿Preguntas? Llame al servicio de ayuda del Portal de Padres al {phone} o escriba a {email}.",
        "issued": "Emitida el {date} por {staff}.",
    },
}
