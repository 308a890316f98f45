"""The words of every notification and approval page, in Japanese and English.

Catalog strings are plain text: templates escape them (and the values formatted into them) like
any other value, so no string here may contain markup. A missing key in one language falls back
to English, then to the key itself, so a half-translated catalog never breaks a mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from mailguard.core.config import NotifyConfig

Language = Literal["ja", "en"]

_EN: dict[str, str] = {
    "brand": "mailguard",
    "label.sender": "Sender",
    "label.recipients": "Recipients",
    "label.subject": "Subject",
    "label.reasons": "Why it was held",
    "label.attachments": "Attachments",
    "label.excerpt": "Beginning of the text",
    "label.received": "Received",
    "label.deadline": "Decide by",
    "label.deciders": "Who will decide",
    "label.comment": "Comment",
    "label.state": "State",
    "label.reference": "Reference",
    "mark.external": "external",
    "mark.lookalike": "look-alike domain",
    "mark.bcc": "Bcc",
    "att.encrypted": "encrypted",
    "att.not_encrypted": "NOT encrypted",
    "att.unknown": "encryption unknown",
    "att.dangerous": "executable content",
    "none": "None",
    "no_subject": "(no subject)",
    "finding.external_recipient": "A recipient is outside the organisation",
    "finding.lookalike_domain": "A recipient's domain looks like, but is not, a known domain",
    "finding.surname_ambiguity": "Another contact has the same family name as a recipient",
    "finding.name_mismatch": "The message names someone other than the recipient",
    "finding.unencrypted_attachment": "An attachment is not encrypted",
    "finding.dangerous_attachment": "An attachment contains executable or script content",
    "finding.bulk_visible_recipients": "Many external recipients can see each other in To/Cc",
    "timeout.reject": "If nobody decides by then, the message is not sent.",
    "timeout.release": "If nobody decides by then, the message is sent.",
    "subj.request": "[mailguard] Approval needed: {subject}",
    "subj.escalation": "[mailguard] Still waiting for approval: {subject}",
    "subj.admin_alert": "[mailguard] Nobody can approve: {subject}",
    "subj.held": "[mailguard] Held for approval: {subject}",
    "subj.delayed": "[mailguard] Will be sent at {time}: {subject}",
    "subj.released": "[mailguard] Approved and sent: {subject}",
    "subj.rejected": "[mailguard] Not sent: {subject}",
    "subj.timeout_released": "[mailguard] Approval period ended, sent: {subject}",
    "subj.timeout_rejected": "[mailguard] Approval period ended, not sent: {subject}",
    "request.intro": "{sender} sent a message that mailguard held for a second look. "
    "Please check it, then release or reject it.",
    "request.escalated": "Nobody has decided this message since {since}; "
    "you are asked as the next approver.",
    "request.admin": "Under the policy nobody may approve this message (senders cannot approve "
    "their own mail). As an administrator, please decide it, or fix the policy.",
    "request.link": "Open this link to see the message and decide:",
    "request.link_note": "Opening the link changes nothing; you decide on the page.",
    "held.intro": "Your message was held before sending and waits for a second person's approval.",
    "held.admins": "an administrator",
    "held.link": "See its status, or withdraw it:",
    "delayed.intro": "Your message will be sent at {time}. Until then you can withdraw it, "
    "or send it at once.",
    "delayed.link": "Withdraw it or send it now:",
    "outcome.released": "{decider} approved your message; it is being sent.",
    "outcome.rejected": "{decider} rejected your message; it was not sent.",
    "outcome.timeout_released": "Nobody decided before the deadline, and the policy says to "
    "send it then; it is being sent.",
    "outcome.timeout_rejected": "Nobody decided before the deadline, so it was not sent. "
    "Send it again if it is still needed.",
    "footer": "This mail was generated automatically by mailguard. Do not reply to it.",
    "page.title.approve": "Held message: approve or reject",
    "page.title.status": "Your held message",
    "page.title.admin": "Held messages",
    "page.title.error": "This link cannot be used",
    "page.you": "Opened with the link sent to {address}.",
    "page.release": "Release (send)",
    "page.reject": "Reject (do not send)",
    "page.withdraw": "Withdraw (do not send)",
    "page.send_now": "Send now",
    "page.comment": "Comment (optional, shown to the sender)",
    "page.decided": "Decided by {decider} at {time}.",
    "page.undecided_state": "This message is no longer waiting for a decision.",
    "page.you_decided": "Done. The sender will be told.",
    "page.lost": "Someone else decided first.",
    "page.delay_until": "It will be sent at {time}.",
    "page.waiting": "Waiting for a decision.",
    "page.form_expired": "This page is out of date. Open the link again and retry.",
    "page.refused": "You may not decide this message.",
    "page.self": "You sent this message, so you cannot approve it.",
    "page.withdrawn": "Withdrawn. The message will not be sent.",
    "page.sent_now": "Sent now.",
    "page.bad_action": "Choose one of the buttons on the page.",
    "page.admin_disabled": "The admin page is disabled: set web.admin_password or "
    "web.trusted_proxy_header.",
    "page.admin_auth": "Sign in as an administrator to see the queue.",
    "page.filter": "Filter",
    "page.all_states": "All states",
    "page.next": "Next",
    "page.previous": "Previous",
    "page.empty": "No messages.",
    "page.open": "Open",
    "error.forged": "This link is not valid: it was not issued by mailguard, or it was altered.",
    "error.expired": "This link has expired. Ask an administrator if the message still waits.",
    "error.wrong_message": "This link belongs to a different message.",
    "error.wrong_role": "This link was not issued for this page.",
    "error.not_found": "This message no longer exists.",
    "state.queued": "Released; being sent",
    "state.delivering": "Being sent",
    "state.deferred": "Being sent (retrying)",
    "state.delivered": "Sent",
    "state.rejected": "Not sent",
    "state.bounced": "Could not be delivered",
    "state.held": "Held for approval",
    "state.delayed": "Waiting to be sent",
}

_JA: dict[str, str] = {
    "label.sender": "差出人",
    "label.recipients": "宛先",
    "label.subject": "件名",
    "label.reasons": "保留の理由",
    "label.attachments": "添付ファイル",
    "label.excerpt": "本文の冒頭",
    "label.received": "受信日時",
    "label.deadline": "判断期限",
    "label.deciders": "判断する人",
    "label.comment": "コメント",
    "label.state": "状態",
    "label.reference": "管理番号",
    "mark.external": "社外",
    "mark.lookalike": "類似ドメイン",
    "att.encrypted": "暗号化あり",
    "att.not_encrypted": "暗号化なし",
    "att.unknown": "暗号化不明",
    "att.dangerous": "実行形式を含む",
    "none": "なし",
    "no_subject": "（件名なし）",
    "finding.external_recipient": "社外の宛先が含まれています",
    "finding.lookalike_domain": "既知のドメインに似ていますが、異なるドメインの宛先があります",
    "finding.surname_ambiguity": "宛先と同じ姓の別の連絡先があります",
    "finding.name_mismatch": "本文や添付ファイル名の宛名が、宛先の人と一致しません",
    "finding.unencrypted_attachment": "暗号化されていない添付ファイルがあります",
    "finding.dangerous_attachment": "実行ファイルやスクリプトを含む添付ファイルがあります",
    "finding.bulk_visible_recipients": "多数の社外宛先が To/Cc で互いに見えています",
    "timeout.reject": "期限までに判断がない場合、このメールは送信されません。",
    "timeout.release": "期限までに判断がない場合、このメールは送信されます。",
    "subj.request": "[mailguard] 承認依頼: {subject}",
    "subj.escalation": "[mailguard] 承認待ちが続いています: {subject}",
    "subj.admin_alert": "[mailguard] 承認できる人がいません: {subject}",
    "subj.held": "[mailguard] 承認待ちのため保留中: {subject}",
    "subj.delayed": "[mailguard] {time} に送信されます: {subject}",
    "subj.released": "[mailguard] 承認され送信されました: {subject}",
    "subj.rejected": "[mailguard] 送信されませんでした: {subject}",
    "subj.timeout_released": "[mailguard] 承認期限を過ぎたため送信されました: {subject}",
    "subj.timeout_rejected": "[mailguard] 承認期限を過ぎたため送信されませんでした: {subject}",
    "request.intro": "{sender} さんが送信したメールを mailguard が保留しました。"
    "内容を確認し、送信を許可するか破棄するかを判断してください。",
    "request.escalated": "{since} から判断されていないため、次の承認者としてご依頼しています。",
    "request.admin": "ポリシー上、このメールを承認できる人がいません"
    "（送信者本人は承認できません）。"
    "管理者として判断するか、ポリシーを修正してください。",
    "request.link": "以下のリンクを開いて内容を確認し、判断してください:",
    "request.link_note": "リンクを開いただけでは何も変わりません。判断はページ上で行います。",
    "held.intro": "送信したメールは送信前に保留され、別の方の承認を待っています。",
    "held.admins": "管理者",
    "held.link": "状況の確認・取り消しはこちら:",
    "delayed.intro": "このメールは {time} に送信されます。それまでは取り消すことも、"
    "すぐに送信することもできます。",
    "delayed.link": "取り消し・すぐに送信はこちら:",
    "outcome.released": "{decider} さんが承認しました。メールは送信されます。",
    "outcome.rejected": "{decider} さんが送信を却下しました。メールは送信されていません。",
    "outcome.timeout_released": "期限までに判断がなく、ポリシーに従って送信されます。",
    "outcome.timeout_rejected": "期限までに判断がなかったため、送信されませんでした。"
    "必要であれば、もう一度送信してください。",
    "footer": "このメールは mailguard が自動送信しています。返信しないでください。",
    "page.title.approve": "保留メールの承認",
    "page.title.status": "保留中のメール",
    "page.title.admin": "保留メール一覧",
    "page.title.error": "このリンクは使えません",
    "page.you": "{address} 宛てに送られたリンクで開いています。",
    "page.release": "送信を許可する",
    "page.reject": "破棄する（送信しない）",
    "page.withdraw": "送信を取り消す",
    "page.send_now": "今すぐ送信する",
    "page.comment": "コメント（任意、送信者に通知されます）",
    "page.decided": "{time} に {decider} さんが判断しました。",
    "page.undecided_state": "このメールはすでに判断待ちではありません。",
    "page.you_decided": "完了しました。送信者に通知されます。",
    "page.lost": "先に別の方が判断しました。",
    "page.delay_until": "{time} に送信されます。",
    "page.waiting": "判断待ちです。",
    "page.form_expired": "このページは古くなっています。"
    "リンクを開き直してから、もう一度操作してください。",
    "page.refused": "このメールを判断する権限がありません。",
    "page.self": "このメールの送信者なので、承認できません。",
    "page.withdrawn": "取り消しました。このメールは送信されません。",
    "page.sent_now": "送信しました。",
    "page.bad_action": "ページ上のボタンから操作してください。",
    "page.admin_disabled": "管理ページは無効です（web.admin_password または "
    "web.trusted_proxy_header を設定してください）。",
    "page.admin_auth": "一覧を見るには管理者としてログインしてください。",
    "page.filter": "絞り込む",
    "page.all_states": "すべての状態",
    "page.next": "次へ",
    "page.previous": "前へ",
    "page.empty": "該当するメールはありません。",
    "page.open": "開く",
    "error.forged": "このリンクは無効です"
    "（mailguard が発行したものではないか、改変されています）。",
    "error.expired": "このリンクは有効期限が切れています。"
    "メールがまだ保留中なら管理者にお問い合わせください。",
    "error.wrong_message": "このリンクは別のメールのものです。",
    "error.wrong_role": "このリンクはこのページ用に発行されたものではありません。",
    "error.not_found": "このメールはもう存在しません。",
    "state.queued": "許可済み（送信処理中）",
    "state.delivering": "送信中",
    "state.deferred": "送信中（再試行待ち）",
    "state.delivered": "送信済み",
    "state.rejected": "送信されませんでした",
    "state.bounced": "配送できませんでした",
    "state.held": "承認待ち",
    "state.delayed": "送信待ち",
}

CATALOGS: Mapping[Language, Mapping[str, str]] = {"en": _EN, "ja": _JA}


class Translator:
    """``t("key", name=value)``: one language's catalog, formatted; English as the fallback."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._catalog = CATALOGS[language]

    def __call__(self, key: str, **values: object) -> str:
        text = self._catalog.get(key) or _EN.get(key) or key
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._catalog or key in _EN


def language_for(address: str, config: NotifyConfig) -> Language:
    """The recipient's language from ``notify.languages`` (any case), else ``notify.language``."""
    wanted = address.casefold()
    for known, language in config.languages.items():
        if known.casefold() == wanted:
            return language
    return config.language


def negotiate(accept_language: str, default: Language) -> Language:
    """The first of ja/en named in an ``Accept-Language`` header, else ``default``."""
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("ja"):
            return "ja"
        if tag.startswith("en"):
            return "en"
    return default
