"""Every reply the relay sends, as named constants (RFC 5321 codes, RFC 3463 enhanced codes).

Named so that the handler reads as a list of decisions and the tests can assert on the
constant instead of on a copied string.
"""

from __future__ import annotations

import re

OK_SENDER = "250 2.1.0 Sender ok"
OK_RECIPIENT = "250 2.1.5 Recipient ok"
DATA_START = "354 End data with <CR><LF>.<CR><LF>"

AUTH_REQUIRED = "530 5.7.0 Authentication required"
RELAY_DENIED = "554 5.7.1 Relay access denied: authenticate first"
AUTH_FAILED = "535 5.7.8 Authentication credentials invalid"
AUTH_OK = "235 2.7.0 Authentication successful"
AUTH_NO_USERS = "504 5.5.4 Authentication is not offered here"
SENDER_NOT_OWNED = "553 5.7.1 Sender address is not one of your addresses"
FROM_NOT_OWNED = "550 5.7.1 Header From is not one of your addresses"
NON_ASCII_SENDER = "553 5.6.7 Non-ASCII sender address requires the SMTPUTF8 parameter on MAIL"
NON_ASCII_RECIPIENT = "553 5.6.7 Non-ASCII recipient address requires SMTPUTF8 on MAIL"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
TOO_BIG = "552 5.3.4 Message size exceeds the fixed maximum message size"
TOO_MANY_SESSIONS = "421 4.7.0 Too many connections, try again later"
TIMEOUT = "421 4.4.2 Timeout, closing connection"
SHUTTING_DOWN = "421 4.3.2 Service shutting down, try again later"
STORE_UNAVAILABLE = "451 4.3.0 Cannot store the message right now, try again later"
INSPECTION_FAILED = "451 4.3.0 Cannot inspect the message right now, try again later"
POLICY_REJECTED_DEFAULT = "Message refused by policy"
MISSING_RECIPIENTS = "503 5.5.1 Error: need RCPT command"
DATA_SYNTAX = "501 5.5.4 Syntax: DATA"


def queued(message_id: str) -> str:
    return f"250 2.0.0 Ok: queued as {message_id}"


def held(message_id: str) -> str:
    return f"250 2.0.0 Ok: held for approval as {message_id}"


def delayed(message_id: str) -> str:
    return f"250 2.0.0 Ok: queued with a delay as {message_id}"


_UNSAFE = re.compile(r"[^\x20-\x7e]")
_MAX_TEXT = 400


def policy_rejected(text: str | None) -> str:
    """``550 5.7.1`` with the policy's reply text made safe for one SMTP reply line.

    The text comes from an admin's YAML and may hold CR/LF (which would forge extra reply
    lines) or Japanese (not allowed in a reply without SMTPUTF8): both are replaced.
    """
    safe = _UNSAFE.sub("?", " ".join((text or "").split()))[:_MAX_TEXT].strip()
    return f"550 5.7.1 {safe or POLICY_REJECTED_DEFAULT}"
