"""The one seam between the delivery workers and wherever mail goes next.

Like httpx's transport, it is a single small abstract method, so the workers never know
whether they talk SMTP to an upstream MTA or write files into a Maildir, and tests can swap
in anything. The contract:

* ``send`` returns a ``RecipientResult`` for every recipient it was given: an SMTP reply
  code and text. 2xx is delivered, 4xx temporary (retry later), 5xx permanent (bounce).
* A failure of the whole attempt (no connection, sender or DATA refused, TLS required but
  unavailable) raises ``DeliveryError`` carrying the reply that applies to every recipient.
  Low-level errors are converted with ``raise ... from exc``; nothing else escapes.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecipientResult:
    code: int
    """The SMTP reply code (a synthetic 4xx/5xx where no server replied)."""
    message: str
    """The reply text, e.g. ``5.1.1 User unknown``."""

    @property
    def delivered(self) -> bool:
        return 200 <= self.code < 300

    @property
    def permanent(self) -> bool:
        return self.code >= 500

    @property
    def temporary(self) -> bool:
        return not (self.delivered or self.permanent)

    def __str__(self) -> str:
        return f"{self.code} {self.message}".strip()


class Transport(abc.ABC):
    @abc.abstractmethod
    async def send(
        self, mail_from: str, rcpts: Sequence[str], raw: bytes
    ) -> dict[str, RecipientResult]:
        """Offer ``raw`` from ``mail_from`` to ``rcpts``; one result per recipient."""

    async def close(self) -> None:  # noqa: B027 - optional hook, most transports hold nothing
        """Release connections; called once when delivery stops."""
