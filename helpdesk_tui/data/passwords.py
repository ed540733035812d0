"""Staff password hashing (argon2id). Portal passwords are never handled by staff."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when a username is unknown, so a wrong username costs the same time
# as a wrong password and the answer gives nothing away. A constant with the hasher's
# parameters: hashing one at import would add 0.2 s to every start-up.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Q3reIX1bCTsTHI+X2P293A$G+6WouDhowAT48jTxKTfrg0GhwPsZ1R9gIFXpDqQK0s"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
