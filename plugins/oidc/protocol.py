"""The OpenID Connect authorization-code flow with PKCE, on Authlib and
joserfc: the authorization URL, the code exchange, the ID token check."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey
from joserfc.jws import extract_compact

from .models import OidcProvider

TIMEOUT = 10
# Discovery documents and keys change rarely; an hour keeps a key rotation
# from locking people out for long without asking on every sign-in.
CACHE_SECONDS = 3600
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class OidcError(Exception):
    """The provider's answer cannot be trusted or used."""


@dataclass(frozen=True)
class Attempt:
    """What the browser's session keeps between the redirect and the callback."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> Attempt:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48))


def _get_json(url: str) -> dict[str, Any]:
    cached = _cache.get(url)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except requests.HTTPError as exc:
        raise OidcError(f"{url}: HTTP {exc.response.status_code}") from exc
    except requests.RequestException as exc:
        # The clerk reads this on the settings page: the address and what
        # kind of failure, not urllib3's whole chain.
        raise OidcError(f"{url}: {type(exc).__name__}") from exc
    except ValueError as exc:
        raise OidcError(f"{url}: not JSON") from exc
    _cache[url] = (time.monotonic(), data)
    return data


def metadata(provider: OidcProvider) -> dict[str, Any]:
    issuer = provider.issuer.rstrip("/")
    meta = _get_json(f"{issuer}/.well-known/openid-configuration")
    if meta.get("issuer", "").rstrip("/") != issuer:
        raise OidcError(f"discovery names issuer {meta.get('issuer')!r}, expected {issuer!r}")
    return meta


def _session(provider: OidcProvider, redirect_uri: str,
             meta: dict[str, Any] | None = None) -> OAuth2Session:
    # Basic is the standard's default; LINE takes the secret in the body only.
    methods = (meta or {}).get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(provider.client_id, provider.client_secret or None,
                         scope=provider.scopes, redirect_uri=redirect_uri,
                         code_challenge_method="S256", token_endpoint_auth_method=method)


def authorization_url(provider: OidcProvider, attempt: Attempt, redirect_uri: str) -> str:
    url, _state = _session(provider, redirect_uri).create_authorization_url(
        metadata(provider)["authorization_endpoint"], state=attempt.state, nonce=attempt.nonce,
        code_verifier=attempt.verifier)
    return url


def exchange(provider: OidcProvider, attempt: Attempt, code: str,
             redirect_uri: str) -> dict[str, Any]:
    """Trade the code for tokens and return the verified ID token's claims."""
    meta = metadata(provider)
    try:
        token = _session(provider, redirect_uri, meta).fetch_token(
            meta["token_endpoint"], grant_type="authorization_code", code=code,
            code_verifier=attempt.verifier, timeout=TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - Authlib and requests raise many kinds
        raise OidcError(f"token endpoint: {exc}") from exc
    if "id_token" not in token:
        raise OidcError("no ID token in the answer")
    return verify_id_token(provider, meta, token["id_token"], attempt.nonce)


def _key_for(provider: OidcProvider, meta: dict[str, Any], id_token: str) -> tuple[Any, list[str]]:
    """LINE Login signs web ID tokens with HS256 under the channel secret;
    ThaID and Digital ID sign with a published key (JWKS)."""
    try:
        alg = extract_compact(id_token.encode()).headers().get("alg")
    except (JoseError, ValueError) as exc:
        raise OidcError(f"ID token unreadable: {exc}") from exc
    if alg == "HS256" and "HS256" in meta.get("id_token_signing_alg_values_supported", []):
        if not provider.client_secret:
            raise OidcError("HS256 ID token but no client secret to check it with")
        return OctKey.import_key(provider.client_secret), ["HS256"]
    return KeySet.import_key_set(_get_json(meta["jwks_uri"])), ["RS256", "ES256", "PS256"]


def verify_id_token(provider: OidcProvider, meta: dict[str, Any], id_token: str,
                    nonce: str) -> dict[str, Any]:
    key, algorithms = _key_for(provider, meta, id_token)
    try:
        claims = jwt.decode(id_token, key, algorithms=algorithms).claims
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (JoseError, ValueError) as exc:
        raise OidcError(f"ID token refused: {exc}") from exc
    return claims
