"""Activation keys as parents see them: a GUID printed {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}.

Keys are secrets. Only ``key_digest`` and ``key_last4`` are ever stored.
"""

import hashlib
import re
import uuid

_SEPARATORS = re.compile(r"[\s{}\-]+")
_HEX32 = re.compile(r"[0-9A-F]{32}")


def new_key() -> str:
    """A fresh key, 122 random bits (uuid4 uses os.urandom), in canonical form."""
    return format_key(uuid.uuid4().hex)


def canonical_hex(text: str) -> str | None:
    """The 32 upper-case hex digits of a key typed in any case, with or without
    braces, dashes or spaces; None when ``text`` is not a key."""
    compact = _SEPARATORS.sub("", text).upper()
    return compact if _HEX32.fullmatch(compact) else None


def format_key(hex32: str) -> str:
    h = hex32.upper()
    return "{" + f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}" + "}"


def key_digest(key: str) -> str:
    """SHA-256 of the canonical hex digits; raises ValueError for a non-key."""
    hex32 = canonical_hex(key)
    if hex32 is None:
        raise ValueError("not an activation key")
    return hashlib.sha256(hex32.encode("ascii")).hexdigest()


def key_last4(key: str) -> str:
    hex32 = canonical_hex(key)
    if hex32 is None:
        raise ValueError("not an activation key")
    return hex32[-4:]
