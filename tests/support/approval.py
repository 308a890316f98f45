"""Helpers for the approval tests: reading our own notification mails and their links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from urllib.parse import unquote

LINK = re.compile(r"(https?://[^\s\"<>]+/(approve|status)/([0-9a-f]+)\?t=([A-Za-z0-9_.\-%]+))")


@dataclass(frozen=True)
class Notice:
    """One notification mail, parsed."""

    to: str
    subject: str
    text: str
    html: str

    @property
    def link(self) -> str:
        found = LINK.search(self.text)
        assert found, f"no link in: {self.text}"
        return found.group(1)

    @property
    def token(self) -> str:
        found = LINK.search(self.text)
        assert found
        return unquote(found.group(4))


def read_notice(raw: bytes) -> Notice:
    mail = message_from_bytes(raw, policy=default)
    assert isinstance(mail, EmailMessage)
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    return Notice(str(mail["To"]), str(mail["Subject"]), text.get_content(), html.get_content())
