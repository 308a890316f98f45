"""Every exception mailguard raises on purpose, in one tree.

    MailguardError
    ├── ConfigError              a config file is invalid (file, key, reason)
    ├── PolicyError              a policy file is invalid (file, line, key, reason)
    ├── DirectoryError           a directory CSV row is invalid (file, line, reason)
    ├── StoreError
    │   ├── StoreUnavailable     the store cannot be reached or cannot commit: answer 451
    │   │   └── StoreUnreachable the database server does not answer at start: keep trying
    │   └── InvalidTransition    a state change not in ``states.TRANSITIONS`` (a bug)
    ├── DeliveryError            an upstream attempt failed (carries per-recipient replies)
    ├── TokenError               an approval link is forged, expired or for another message
    │   ├── TokenForged          not signed with our key, or mangled in transit
    │   ├── TokenExpired         signed by us, but past its lifetime
    │   ├── TokenWrongMessage    signed by us for a different message
    │   └── TokenWrongRole       a sender's link used where an approver's is needed, etc.
    ├── DecisionRefused          this person may not decide this message (the sender, a stranger)
    │   └── UnknownMessage       there is no message with this id
    └── UserFileError            the users file is unreadable or malformed

Low-level errors (sqlite3, asyncpg, aiosmtplib, yaml) are converted where they enter, with
``raise ... from exc``, so callers only ever catch these.
"""

from __future__ import annotations


class MailguardError(Exception):
    """Base of every deliberate mailguard error."""


class ConfigError(MailguardError):
    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}")


class PolicyError(MailguardError):
    def __init__(self, file: str, line: int | None, key: str, reason: str) -> None:
        self.file, self.line, self.key, self.reason = file, line, key, reason
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {key}: {reason}")


class DirectoryError(MailguardError):
    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {reason}")


class StoreError(MailguardError):
    pass


class StoreUnavailable(StoreError):
    """The store cannot be reached or cannot commit. The SMTP layer answers 451."""


class StoreUnreachable(StoreUnavailable):
    """Opening the store failed because its server does not answer (yet): a replica keeps
    trying in the background, answering 451, rather than exiting (a missing file or bad SQL
    is a plain ``StoreUnavailable``/``StoreError``, which no retry would fix)."""


class InvalidTransition(StoreError):
    pass


class DeliveryError(MailguardError):
    """A whole delivery attempt failed; ``code``/``reply`` apply to every recipient of it.

    ``code`` is the upstream's SMTP reply code, or a synthetic 4xx when no server answered
    (connection refused, timeout, TLS failure): 4xx is retried, 5xx bounced.
    """

    def __init__(self, code: int, reply: str) -> None:
        self.code, self.reply = code, reply
        super().__init__(f"{code} {reply}")


class TokenError(MailguardError):
    """An approval link that must not be honoured; ``reason`` is shown to the visitor."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TokenForged(TokenError):
    def __init__(self) -> None:
        super().__init__("This link is not valid: it was not issued by mailguard or was altered.")


class TokenExpired(TokenError):
    def __init__(self) -> None:
        super().__init__("This link has expired. Ask for the message to be shown to you again.")


class TokenWrongMessage(TokenError):
    def __init__(self) -> None:
        super().__init__("This link belongs to a different message.")


class TokenWrongRole(TokenError):
    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(f"This link was issued to a {role}, and cannot be used here.")


class DecisionRefused(MailguardError):
    """A decision this person may not take; ``reason`` is shown to them."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class UnknownMessage(DecisionRefused):
    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        super().__init__(f"There is no message {message_id}.")


class UserFileError(MailguardError):
    pass
