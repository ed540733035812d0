"""The reminder a guardian gets one business day before a request waiting on them
closes by itself, in English and Spanish. Written for this product."""

from datetime import date

from helpdesk_tui.services.texts.letters import Letter

_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip


def spoken_date(lang: str, day: date) -> str:
    """The date as a letter says it: "Friday, December 4", "viernes 4 de diciembre"."""
    lang = lang if lang in _DAYS else "en"
    weekday, month = _DAYS[lang][day.weekday()], _MONTHS[lang][day.month - 1]
    if lang == "es":
        return f"{weekday} {day.day} de {month}"
    return f"{weekday}, {month} {day.day}"


def pending_reminder(
    lang: str,
    *,
    name: str | None,
    ticket: str,
    subject: str,
    closes_on: date,
    district: str,
    phone: str,
) -> Letter:
    """``ticket`` is the label ("HD-1042"): in the subject, so an answer threads in.
    ``name`` None: a sender we could not match to a family."""
    when = spoken_date(lang, closes_on)
    if lang == "es":
        return Letter(
            f"[{ticket}] Recordatorio: esperamos su respuesta",
            f"Estimado/a {name or 'padre, madre o tutor'}:\n\n"
            f"Seguimos esperando su respuesta sobre su solicitud «{subject}» "
            f"(referencia {ticket}) al servicio de ayuda del Portal de Padres.\n\n"
            f"Si no sabemos de usted, la cerraremos el {when}. Para que siga abierta, "
            f"solo tiene que responder a este correo. Si el problema ya se resolvió, no "
            f"hace falta que haga nada.\n\n"
            f"Si nos escribe después de esa fecha, con gusto abriremos una solicitud nueva. "
            f"También puede llamarnos al {phone}.\n\n"
            f"Nunca nos envíe contraseñas ni claves de activación: no se las pediremos.\n\n"
            f"Servicio de ayuda del Portal de Padres, {district}\n",
        )
    return Letter(
        f"[{ticket}] Reminder: we are waiting for your answer",
        f"Dear {name or 'parent or guardian'},\n\n"
        f'We are still waiting to hear from you about your request "{subject}" '
        f"(reference {ticket}) to the Parent Portal helpdesk.\n\n"
        f"If we do not hear from you, we will close it on {when}. To keep it open, just "
        f"reply to this email. If the problem is already solved, there is nothing you "
        f"need to do.\n\n"
        f"If you write after that date, we will gladly open a new request. You can also "
        f"call us at {phone}.\n\n"
        f"Please never send us a password or an activation key: we will never ask for one.\n\n"
        f"Parent Portal helpdesk, {district}\n",
    )
