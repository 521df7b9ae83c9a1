"""A real OpenID Connect provider on loopback (oidc-provider-mock, built on
Authlib) standing in for ThaID or Digital ID, and a way to put a person on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

THAI_NAMES = {"given_name": "สมศรี", "family_name": "มีสุข", "name": "สมศรี มีสุข"}


@pytest.fixture(scope="session")
def issuer() -> Iterator[str]:
    import oidc_provider_mock

    # Nonce required, as ThaID does: an authorization without one fails.
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def person_at_provider(issuer: str, national_id: str, **claims: Any) -> str:
    """Put a person with a verified national ID (claim ``pid``) on the
    provider; return their subject."""
    subject = f"thaid-{national_id}"
    r = requests.put(f"{issuer}/users/{subject}", timeout=5,
                     json={"pid": national_id, **THAI_NAMES, **claims})
    assert r.status_code == 204
    return subject
