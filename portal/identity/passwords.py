"""Argon2id password hashes (argon2-cffi's defaults, RFC 9106 low-memory)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Checked against when an ID is unknown, so a wrong ID costs as long as a
# wrong password and timing does not tell which IDs are registered.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False
