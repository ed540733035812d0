"""Password hashing (argon2id): staff passwords, portal passwords (never seen by staff)
and one-time codes.

Slow on purpose (a tenth of a second or more, and 64 MiB): hash and verify before a
write transaction opens, never inside one, or every other desk waits behind it
(services/kernel/locks.py)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when a username is unknown, so a wrong username costs the same time
# as a wrong password and the answer gives nothing away. A constant with the hasher's
# parameters: hashing one at import would add 0.2 s to every start-up.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Q3reIX1bCTsTHI+X2P293A$G+6WouDhowAT48jTxKTfrg0GhwPsZ1R9gIFXpDqQK0s"


def _bytes(password: str) -> bytes:
    """UTF-8, as argon2 encodes a str itself, except that a lone surrogate (from a broken
    client) cannot fail the encoding: such a password simply matches nothing."""
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    return _hasher.hash(_bytes(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        ok = _hasher.verify(password_hash or _DUMMY_HASH, _bytes(password))
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None
