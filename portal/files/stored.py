"""What both file stores (the folder, portal.files.uploads.FileStore; S3,
portal.files.object_store.ObjectStore) keep: a file that passed the upload checks,
and the random names files are stored under. Its own module so that the
checks, which pick a store, and the stores need not import each other."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    original_name: str
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


_STORED_NAME = re.compile(r"[A-Za-z0-9_-]{20,64}\.[a-z]{3,4}")


def new_stored_name(extension: str) -> str:
    return f"{secrets.token_urlsafe(24)}.{extension}"


def is_stored_name(name: str) -> bool:
    return bool(_STORED_NAME.fullmatch(name))


def checked_name(stored_name: str) -> str:
    """A stored name as this module makes them; anything else is refused
    before it reaches a path or an object key."""
    if not _STORED_NAME.fullmatch(stored_name):
        raise ValueError("bad stored name")
    return stored_name
