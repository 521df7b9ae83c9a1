"""Talking to LINE through the Messaging API SDK: push a status message,
answer a chat, check a channel's settings."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
    URIAction,
)
from linebot.v3.webhook import WebhookParser

from .models import LineChannel

# LINE's limits: 5,000 characters a text, 13 quick replies, 20 a label.
MAX_TEXT = 5000
MAX_QUICK = 13
MAX_LABEL = 20


class BadSignature(Exception):
    """The webhook body was not signed with this channel's secret."""


def _api(channel: LineChannel) -> tuple[ApiClient, MessagingApi]:
    # The address is the operator's, never the channel row's: see LINE_API_BASE.
    client = ApiClient(Configuration(host=current_app.config["LINE_API_BASE"].rstrip("/"),
                                     access_token=channel.access_token))
    return client, MessagingApi(client)


def _text(text: str, links: list[tuple[str, str]] | None = None) -> TextMessage:
    quick = None
    if links:
        quick = QuickReply(items=[
            QuickReplyItem(action=URIAction(label=label[:MAX_LABEL], uri=url))
            for label, url in links[:MAX_QUICK]])
    return TextMessage(text=text[:MAX_TEXT], quick_reply=quick)


def push(channel: LineChannel, to: str, text: str, retry_key: str) -> None:
    """Send ``text`` to one LINE user. The same ``retry_key`` on a retry
    makes LINE drop the copy if the first try got through after all."""
    client, api = _api(channel)
    with client:
        api.push_message(PushMessageRequest(to=to, messages=[_text(text)]),
                         x_line_retry_key=str(uuid.uuid5(uuid.NAMESPACE_URL, retry_key)))


def reply(channel: LineChannel, token: str, text: str,
          links: list[tuple[str, str]] | None = None) -> None:
    client, api = _api(channel)
    with client:
        api.reply_message(ReplyMessageRequest(reply_token=token,
                                              messages=[_text(text, links)]))


def events(channel: LineChannel, body: str, signature: str) -> list[Any]:
    """The webhook's events, after checking X-Line-Signature."""
    try:
        return list(WebhookParser(channel.channel_secret).parse(body, signature))
    except InvalidSignatureError as exc:
        raise BadSignature(str(exc)) from exc


def bot_name(channel: LineChannel) -> str:
    """The Official Account's name: proves the access token works."""
    client, api = _api(channel)
    with client:
        return str(api.get_bot_info().display_name)
