"""Pushing a reminder to someone's LINE through the Messaging API (line-bot-sdk v3).

LINE deduplicates pushes by ``X-Line-Retry-Key``: a push repeated with the key of one it has
already accepted is answered 409 and not delivered again. The reminder row carries its key
from the moment it is made, so a worker killed after LINE accepted the push and before the
row was committed sends it again with the same key and gets 409: sent once.
"""

from __future__ import annotations

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    TextMessage,
)

from . import conf

# LINE's answer to a push whose retry key it has already accepted.
ALREADY_ACCEPTED = 409
# LINE's limit on a text message is 5,000 characters; a reminder's is far shorter.
TEXT_LIMIT = 500


class LinePushFailed(Exception):
    """LINE did not take the push. ``transient``: worth trying again with the same key (rate
    limit, LINE's outage, a timeout); otherwise (blocked, not a friend, bad token) it never
    will be."""

    def __init__(self, message: str, *, status: int | None, transient: bool) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


def line_push(*, to: str, text: str, retry_key: str) -> None:
    """Push ``text`` to the LINE user ``to``. Returns when LINE has it (now or, 409, before);
    raises ``LinePushFailed`` otherwise."""
    configuration = Configuration(
        host=conf.LINE_MESSAGING_API_HOST,
        access_token=conf.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN,
    )
    # No retries inside the client: a retry is the reminder row's, with the same key.
    configuration.retries = False
    request = PushMessageRequest(
        to=to,
        messages=[TextMessage(text=text[:TEXT_LIMIT], quickReply=None, quoteText=None)],
        notificationDisabled=False,
        customAggregationUnits=None,
    )
    try:
        with ApiClient(configuration) as client:
            MessagingApi(client).push_message(
                request,
                x_line_retry_key=retry_key,
                _request_timeout=conf.LINE_PUSH_TIMEOUT_SECONDS,
            )
    except ApiException as exc:
        status = exc.status
        if status == ALREADY_ACCEPTED:
            return
        transient = status == 429 or status is None or status >= 500
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
        raise LinePushFailed(
            f"LINE {status} {exc.reason}: {(body or '')[:300]}", status=status, transient=transient
        ) from exc
    except urllib3.exceptions.HTTPError as exc:
        # Timeouts, refused connections, TLS failures: LINE may or may not have it; the same
        # key on the next attempt makes either case safe.
        raise LinePushFailed(
            f"LINE unreachable: {type(exc).__name__}: {exc}", status=None, transient=True
        ) from exc
