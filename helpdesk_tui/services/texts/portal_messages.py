"""What a guardian reads after something happened on the portal itself (not at the
helpdesk), in English and Spanish. Written for this product.

Each notice goes to every address on file, so a parent hears of a login made with
their key by someone else, or of a lockout they did not cause.
"""

from helpdesk_tui.services.texts.letters import Letter

PORTAL_EVENTS = {
    "en": {
        "key_redeemed": (
            "a Parent Portal login named {detail} was created with your activation key",
            "If you did not create it, another person may be using your key: call us so "
            "we can close that login and give you a new key.",
        ),
        "account_locked": (
            "your Parent Portal login was disabled after {detail} failed sign-in attempts in a row",
            "To have it unlocked, call us or visit your school's office with a photo ID. "
            "If the attempts were not yours, tell us when you call.",
        ),
        "password_changed": (
            "the password of your Parent Portal login was changed with a reset link",
            "If you did not change it, call us today so we can secure your account.",
        ),
        "security_email_changed": (
            "the security email of your Parent Portal login was set to {detail}",
            "If you did not set it, call us today so we can secure your account.",
        ),
    },
    "es": {
        "key_redeemed": (
            "se creó un acceso al Portal de Padres llamado {detail} con su clave de activación",
            "Si no lo creó usted, otra persona puede estar usando su clave: llámenos para "
            "cerrar ese acceso y darle una clave nueva.",
        ),
        "account_locked": (
            "se desactivó su acceso al Portal de Padres después de {detail} intentos "
            "fallidos seguidos de iniciar sesión",
            "Para desbloquearlo, llámenos o vaya a la oficina de su escuela con una "
            "identificación con foto. Si los intentos no fueron suyos, díganoslo al llamar.",
        ),
        "password_changed": (
            "se cambió la contraseña de su acceso al Portal de Padres con un enlace de "
            "restablecimiento",
            "Si no la cambió usted, llámenos hoy mismo para proteger su cuenta.",
        ),
        "security_email_changed": (
            "el correo de seguridad de su acceso al Portal de Padres se cambió a {detail}",
            "Si no lo cambió usted, llámenos hoy mismo para proteger su cuenta.",
        ),
    },
}


def portal_notice(
    lang: str,
    *,
    event: str,
    detail: str,
    when: str,
    district: str,
    phone: str,
    email: str,
    name: str,
) -> Letter:
    what, advice = PORTAL_EVENTS[lang][event]
    what = what.format(detail=detail)
    if lang == "es":
        return Letter(
            f"{district}: aviso sobre su acceso al Portal de Padres",
            f"Estimado/a {name}:\n\n"
            f"Le avisamos que el {when} {what}.\n\n"
            f"{advice} Teléfono: {phone}. Correo: {email}.\n"
            f"Nunca le pediremos su contraseña ni su clave.\n\n"
            f"Servicio de ayuda del Portal de Padres, {district}\n",
        )
    return Letter(
        f"{district}: about your Parent Portal login",
        f"Dear {name},\n\n"
        f"This is to let you know that on {when} {what}.\n\n"
        f"{advice} Phone: {phone}. Email: {email}.\n"
        f"We will never ask for your password or your key.\n\n"
        f"Parent Portal helpdesk, {district}\n",
    )
