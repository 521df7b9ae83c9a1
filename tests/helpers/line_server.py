"""A stand-in for LINE's servers on loopback: LINE Login (OpenID Connect with
HS256 ID tokens signed by the channel secret, PKCE) and the Messaging API's
push and reply endpoints. It checks what LINE checks and records what the
portal sent, so tests assert on real HTTP traffic."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import OctKey
from werkzeug.serving import make_server

LOGIN_CHANNEL_ID = "1650000000"
LOGIN_CHANNEL_SECRET = "line-login-secret-0123456789abcdef"
ACCESS_TOKEN = "line-messaging-access-token"


@dataclass
class LineStandIn:
    url: str = ""
    # LINE user id -> display name, for people who may sign in.
    people: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    pushed: list[dict[str, Any]] = field(default_factory=list)
    replied: list[dict[str, Any]] = field(default_factory=list)
    # X-Line-Retry-Key of every push tried, failed ones too.
    retry_keys: list[str] = field(default_factory=list)
    # The next N pushes answer 500, as LINE does when it is down.
    fail_next: int = 0
    # What ID tokens are signed with (a forger does not have the secret).
    id_token_secret: str = LOGIN_CHANNEL_SECRET

    def approve_url(self, authorize_url: str, user_id: str) -> str:
        """What the LINE app does when the person taps "Allow"."""
        return authorize_url + "&" + urlencode({"approve_as": user_id})


def _app(state: LineStandIn) -> Flask:
    app = Flask(__name__)

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(issuer=state.url,
                       authorization_endpoint=f"{state.url}/oauth2/v2.1/authorize",
                       token_endpoint=f"{state.url}/oauth2/v2.1/token",
                       jwks_uri=f"{state.url}/oauth2/v2.1/certs",
                       id_token_signing_alg_values_supported=["HS256", "ES256"],
                       token_endpoint_auth_methods_supported=["client_secret_post"])

    @app.get("/oauth2/v2.1/certs")
    def certs() -> Any:
        return jsonify(keys=[])

    @app.get("/oauth2/v2.1/authorize")
    def authorize() -> Any:
        args = request.args
        if args.get("client_id") != LOGIN_CHANNEL_ID or args.get("response_type") != "code":
            abort(400)
        user_id = args.get("approve_as", "")
        if user_id not in state.people:
            abort(403)
        code = secrets.token_urlsafe(16)
        state.codes[code] = {"user": user_id, "nonce": args.get("nonce"),
                             "challenge": args.get("code_challenge"),
                             "redirect_uri": args["redirect_uri"]}
        return redirect(f"{args['redirect_uri']}?" + urlencode({"code": code,
                                                                "state": args["state"]}))

    @app.post("/oauth2/v2.1/token")
    def token() -> Any:
        form = request.form
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if (client_id, secret) != (LOGIN_CHANNEL_ID, LOGIN_CHANNEL_SECRET):
            return jsonify(error="invalid_client"), 401
        grant = state.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return jsonify(error="invalid_grant"), 400
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return jsonify(error="invalid_grant", error_description="PKCE"), 400
        now = int(time.time())
        claims = {"iss": state.url, "sub": grant["user"], "aud": LOGIN_CHANNEL_ID,
                  "exp": now + 3600, "iat": now, "nonce": grant["nonce"],
                  "name": state.people[grant["user"]]}
        id_token = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(state.id_token_secret))
        return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer",
                       expires_in=3600, id_token=id_token, scope="openid profile")

    def _bot(kind: list[dict[str, Any]]) -> Any:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return jsonify(message="Authentication failed"), 401
        if state.fail_next > 0:
            state.fail_next -= 1
            return jsonify(message="Internal error"), 500
        body = request.get_json()
        kind.append(body)
        # As LINE answers: one id per message sent.
        return jsonify(sentMessages=[{"id": secrets.token_hex(8),
                                      "quoteToken": secrets.token_hex(8)}
                                     for _ in body.get("messages", [])])

    @app.post("/v2/bot/message/push")
    def push() -> Any:
        state.retry_keys.append(request.headers.get("X-Line-Retry-Key", ""))
        return _bot(state.pushed)

    @app.get("/v2/bot/info")
    def bot_info() -> Any:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return jsonify(message="Authentication failed"), 401
        return jsonify(userId="Ubot", basicId="@portal", displayName="อบต.ทดสอบ",
                       chatMode="bot", markAsReadMode="auto")

    @app.post("/v2/bot/message/reply")
    def reply() -> Any:
        return _bot(state.replied)

    return app


def signed(body: bytes, secret: str) -> str:
    """X-Line-Signature, as LINE computes it."""
    import hmac

    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@contextmanager
def line_stand_in() -> Iterator[LineStandIn]:
    state = LineStandIn()
    server = make_server("127.0.0.1", 0, _app(state), threaded=True)
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        thread.join(5)
