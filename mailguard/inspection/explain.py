"""A finding explained to a person in their language, from its structured facts.

English is ``Finding.message`` itself: that sentence is the contract ``mailguard check``
prints, so pages and mails must say the same. Other languages are written here from ``kind``,
``recipient``, ``attachment`` and ``detail``, by table: a sentence per kind (or per
``kind.case`` when ``detail["case"]`` names a variant), and phrases for coded facts
(``{trusted_as_phrase}`` is the phrase for ``trusted_as=partner``). Whatever the tables
cannot say (an unknown kind such as ``inspection_error``, a finding stored before a fact
was recorded) falls back to the English message: an approver is better served by English
than by a sentence with a hole in it.

The result is plain text: templates escape it like any other value.
"""

from __future__ import annotations

import re

from mailguard.core.model import Finding

_SENTENCES: dict[str, dict[str, str]] = {
    "ja": {
        "external_recipient": "宛先 {recipient} は社外のアドレスです"
        "（{domain} は社内のドメインではありません）。",
        "lookalike_domain": "宛先のドメイン {domain} は{trusted_as_phrase} {resembles} に"
        "似ていますが、別のドメインです（{way_phrase}）。",
        "surname_ambiguity": "宛先 {recipient} はディレクトリでは {contact} ですが、"
        "{reason_phrase}。{why_phrase}。",
        "name_mismatch.other_person": "宛先 {recipient} はディレクトリでは {expected} ですが、"
        "本文の宛名は {named} です{named_address_phrase}。",
        "name_mismatch.unknown_recipient": "本文の宛名は {named}（ディレクトリでは "
        "{named_address}）ですが、このメールの宛先は {goes_to} です。",
        "name_mismatch.nobody_in_to": "本文の宛名は {named} ですが、To の宛先にディレクトリ上"
        "その人はいません（{to_known_phrase}）。",
        "name_mismatch.file": "添付ファイル {file_phrase} に {named}（ディレクトリでは "
        "{named_address}）の名前がありますが、この人は宛先に含まれていません。",
        "unencrypted_attachment": "添付ファイル {file_phrase} は暗号化されていません"
        "（{kind_phrase}）。",
        "unencrypted_attachment.zip_entries": "添付ファイル {file_phrase} は暗号化されて"
        "いません（{entries} 個のファイルを含む ZIP で、パスワードで保護されていないものが"
        "あります）。",
        "unencrypted_attachment.too_large": "添付ファイル {file_phrase} は大きすぎて"
        "検査できないため、暗号化されていないものとして扱います。",
        "dangerous_attachment": "添付ファイル {file_phrase} は開くとプログラムが"
        "実行されるおそれがあります（{shown_reasons}{more_reasons_phrase}）。",
        "bulk_visible_recipients": "社外の宛先 {recipients} 件（{domains} 組織）が To/Cc に"
        "入っており、受信者全員が互いのアドレスを見られます。Bcc にすれば隠せます。",
    },
}
"""A sentence per kind or ``kind.case``; ``{fact_phrase}`` is that fact's phrase from
``_PHRASES``."""

_PHRASES: dict[str, dict[str, str]] = {
    "ja": {
        "trusted_as=directory": "ディレクトリにあるドメイン",
        "trusted_as=partner": "取引先のドメイン",
        "trusted_as=internal": "社内のドメイン",
        "way=characters": "見た目の紛らわしい文字が使われています",
        "way=suffix": "末尾が .{trusted_suffix} ではなく .{suffix} です",
        "way=extra_letter": "1 文字多くなっています",
        "way=missing_letter": "1 文字足りません",
        "way=swapped": "2 文字が入れ替わっています",
        "way=letters": "{distance} 文字が異なります",
        "reason=same_full_name": "{other} も同じ氏名です",
        "reason=same_reading": "{other} も同じ読みの氏名です",
        "reason=namesakes": "ディレクトリには同じ姓の {listed}{more_phrase} もいます",
        "more": " ほか {more} 人",
        "why=indistinct": "メールの内容からはどちらの人宛てか区別できません",
        "why=no_greeting": "メールにどちらの人宛てかを示す宛名がありません",
        "why=greeting_unclear": "宛名（{greeting}）からはどちらの人宛てか分かりません",
        "why=greeting_other": "宛名は {contact} ではなく {greeting} です",
        "named_address": "（{named} はディレクトリでは {named_address} です）",
        "inside": "{inside} 内の ",
        "file=": "{inside_phrase}（名前のないファイル）",
        "file=*": "{inside_phrase}{file}",
        "kind=zip": "パスワードのない ZIP ファイル",
        "kind=pdf": "パスワードのない PDF",
        "kind=ooxml": "パスワードのない Office 文書",
        "kind=ole": "パスワードのない Office 文書",
        "kind=odf": "パスワードのない OpenDocument ファイル",
        "kind=7z": "パスワードのない 7z アーカイブ",
        "kind=rar": "全体がパスワードで保護されていない RAR アーカイブ",
        "kind=msg": "Outlook のメッセージ",
        "kind=text": "テキストファイル",
        "kind=image": "画像",
        "kind=archive": "暗号化を確認できない圧縮ファイル",
        "kind=tnef": "Outlook の winmail.dat",
        "kind=*": "内容に暗号化が見つかりません",
        "more_reasons": " ほか {more_reasons} 件",
        "to_known": "{address} は {name}",
        "list_separator": "、",
    },
}
"""``fact=value`` (``fact=*`` for any other value): the phrase for a coded fact; a bare
``fact``: an optional phrase, empty when the finding lacks the fact. ``to_known`` and
``list_separator`` say the ``address\tname`` lines of ``name_mismatch``'s ``to_known``."""

_PLACEHOLDER = re.compile(r"\{(\w+)_phrase\}")


def explain(finding: Finding, language: str) -> str:
    """``finding`` in one sentence or two of ``language`` (``"ja"``, ``"en"``)."""
    sentences = _SENTENCES.get(language, {})
    case = finding.detail.get("case")
    sentence = sentences.get(f"{finding.kind}.{case}") or sentences.get(finding.kind)
    if sentence is None:
        return finding.message
    facts = {**finding.detail}
    if finding.recipient is not None:
        facts["recipient"] = finding.recipient
    phrases = _PHRASES[language]
    try:
        if "to_known" in facts:
            facts["to_known_phrase"] = phrases["list_separator"].join(
                phrases["to_known"].format(address=address, name=name)
                for address, name in (line.split("\t") for line in facts["to_known"].splitlines())
            )
        return _fill(sentence, facts, phrases)
    except (KeyError, ValueError):
        return finding.message


def _fill(text: str, facts: dict[str, str], phrases: dict[str, str]) -> str:
    """``text`` with its facts and fact phrases put in (KeyError: a fact is missing)."""
    values = dict(facts)
    for name in _PLACEHOLDER.findall(text):
        if f"{name}_phrase" in values:
            continue
        if name not in facts:
            if name not in phrases:
                raise KeyError(name)
            values[f"{name}_phrase"] = ""
            continue
        phrase = phrases.get(f"{name}={facts[name]}") or phrases.get(f"{name}=*") or phrases[name]
        values[f"{name}_phrase"] = _fill(phrase, facts, phrases)
    return text.format(**values)
