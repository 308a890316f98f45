"""The notification mails of the approval workflow, rendered in the recipient's language.

Each method returns a ``Rendered`` (subject, text, HTML) for one recipient; ``compose`` turns
it into bytes and the notifier queues it. Values from the held message reach the templates as
data and are escaped there (HTML) or flattened to one line where a line matters (text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import jinja2

from mailguard.workflow.approval.summary import HeldSummary
from mailguard.workflow.notify.headers import one_line
from mailguard.workflow.notify.i18n import Language, Translator
from mailguard.workflow.notify.render import environment, format_time

RequestReason = Literal["request", "escalation", "admin_alert"]
Resolution = Literal["released", "rejected", "timeout_released", "timeout_rejected"]

SUBJECT_QUOTE_LIMIT = 80


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


class MailRenderer:
    def __init__(self, env: jinja2.Environment | None = None) -> None:
        self._env = env or environment("workflow/notify/templates")

    def approval_request(
        self, language: Language, s: HeldSummary, link: str, reason: RequestReason
    ) -> Rendered:
        """To an approver (or, when nobody may approve, an admin): why, and their own link."""
        return self._render("request", language, f"subj.{reason}", s, link=link, reason=reason)

    def sender_held(
        self, language: Language, s: HeldSummary, link: str, deciders: Sequence[str]
    ) -> Rendered:
        return self._render(
            "sender", language, "subj.held", s, kind="held", link=link, deciders=list(deciders)
        )

    def sender_delayed(self, language: Language, s: HeldSummary, link: str) -> Rendered:
        return self._render("sender", language, "subj.delayed", s, kind="delayed", link=link)

    def sender_outcome(
        self, language: Language, s: HeldSummary, outcome: Resolution, decider: str, comment: str
    ) -> Rendered:
        return self._render(
            "sender",
            language,
            f"subj.{outcome}",
            s,
            kind=outcome,
            link="",
            decider=decider,
            comment=comment,
        )

    def _render(
        self, name: str, language: Language, subject_key: str, s: HeldSummary, **values: object
    ) -> Rendered:
        t = Translator(language)
        quoted = one_line(s.subject, SUBJECT_QUOTE_LIMIT) or t("no_subject")
        subject = t(subject_key, subject=quoted, time=format_time(s.next_attempt_at))
        context = {"t": t, "s": s, "deciders": [], "decider": "", "comment": "", **values}
        return Rendered(
            subject=subject,
            text=self._env.get_template(f"{name}.txt.j2").render(context),
            html=self._env.get_template(f"{name}.html.j2").render(context),
        )
