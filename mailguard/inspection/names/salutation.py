"""Find whom a mail addresses: the salutation at the top of the sender's own text.

Business mail in Japan opens with the addressee (``株式会社ABC\\n営業部\\n鈴木 一郎 様``), Western
mail with ``Dear Mr. Suzuki,``. That line is the sender's own statement of who should read the
mail, which makes it the best evidence of a mis-addressed message. Everything else is ignored on
purpose: names mid-text are often other people, quoted replies and forwarded messages name the
*previous* correspondents, and company addressing (``御中``, ``各位``, ``ご担当者様``) names nobody.

The rules, top to bottom:

- blank lines and ``CC: 田中様`` lines are skipped;
- a quote or forward marker (``>``, ``-----Original Message-----``, ``On ... wrote:``,
  ``差出人:``/``From:``, ``---------- Forwarded message``) ends the search: the sender wrote no
  salutation of their own;
- company and department lines (``株式会社ABC``, ``営業部``, ``人事部 御中``) are skipped;
- group addressing (``各位``, ``ご担当者様``, ``皆様``, ``Dear all``, ``Hi team``) ends the search
  with no person;
- then consecutive salutation lines (Japanese honorific at the end, a Western greeting word at
  the start, or ``Tanaka-san``) are collected; the first other line ends the search.

Pure and cheap: only the first few lines are looked at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mailguard.inspection.names.normalize import JAPANESE_HONORIFICS
from mailguard.inspection.names.person import NamedPerson

_MAX_LINES = 8
"""Non-blank lines looked at before giving up: company, department and two salutations fit."""

_STOP = re.compile(
    r"""^(?:[>＞|]
    |-{3,}\s*(?:original\s+message|forwarded\s+message|元のメッセージ|転送)
    |_{5,}
    |begin\s+forwarded\s+message
    |on\s.+wrote:?$
    |.+(?:wrote|書きました)[:：]?$
    |(?:差出人|送信者|from|sent|送信日時|件名|subject)\s*[:：]
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_CC_LINE = re.compile(r"^(?:cc|bcc|to|宛先)\s*[:：]", re.IGNORECASE)
_GROUP_JA = re.compile(
    r"(?:各位|ご?担当者?様|ご?担当者?各位|皆様|皆さま|皆さん|みなさま|みなさん|ご一同様)"
)
_GROUP_EN = re.compile(
    r"^(?:all|everyone|everybody|team|.*\bteam|colleagues|folks|guys|there|sirs?|madam"
    r"|sir\s*(?:or|/)\s*madam|to\s+whom.*|customers?|valued\s+customers?|hiring\s+manager"
    r"|friends|members|partners?)$",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"(?:株式会社|有限会社|合同会社|合資会社|一般社団法人|公益財団法人|\(株\)|\(有\)|㈱|㈲"
    r"|co\.,?\s*ltd|\binc\b|\bcorp(?:oration)?\b|\bltd\b|\bllc\b|\bgmbh\b"
    r"|[部課室係]$|グループ$|チーム$|センター$|支店$|支社$|本部$|事業部$|大学$|病院$"
    r"|事務所$|御中$)",
    re.IGNORECASE,
)
_WESTERN = re.compile(
    r"^(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening)|greetings|attn\.?|attention)"
    r"\b[\s,:]*(?P<name>.*?)[\s,:;!.]*$",
    re.IGNORECASE,
)
_ROMAJI_HONORIFIC = re.compile(
    r"^(?P<name>[a-z][a-z' .-]{0,40}?)[- ](?:san|sama|sensei|kun|chan|dono)[\s,:;!.]*$",
    re.IGNORECASE,
)
_HONORIFIC_END = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, JAPANESE_HONORIFICS), key=len, reverse=True)) + r")$"
)
_NOT_A_NAME = re.compile(
    r"(?:お疲れ|ご苦労|お世話|お互い|お客|奥|旦那|神|王|殿|担当|各位|御中|様々|いつも|ありがとう"
    r"|です|ます|[。！？!?「」『』:：]"
    r"|^(?:人事|総務|経理|財務|営業|開発|技術|企画|広報|法務|製造|品質|購買|情報|管理|業務|事業"
    r"|代表|取締|執行|監査|研究|教務|学部|支社|支店|部門|本部|部|課|室)$)"
)
_WORD = re.compile(r"[^\W\d_][\w.'-]*")
_TITLE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof)\.?$", re.IGNORECASE)
_LEADING_JA = re.compile(r"^(?P<salutation>\S.{0,30}?(?:様|さま|さん|殿|先生))(?:[\s、,。]+\S|$)")
_TAG = re.compile(r"^[【\[(<《〈][^】\])>》〉]{0,20}[】\])>》〉]$")
_LIST_SEPARATORS = re.compile(r"\s*(?:[、，,/／]|\band\b|&)\s*", re.IGNORECASE)
_TRAILING = "、。,.:;!！ 　"
_MAX_NAME_CHARS = 16


@dataclass(frozen=True, slots=True)
class Salutation:
    lines: tuple[str, ...]
    """The salutation lines as written (for the approval page to highlight)."""
    people: tuple[NamedPerson, ...]
    """Everyone the salutation names, in order."""


def find_salutation(text: str) -> Salutation | None:
    """The salutation naming a person at the top of ``text``, or None when there is none
    (no greeting, only company or group addressing, or the text starts with a quote)."""
    found_lines: list[str] = []
    people: list[NamedPerson] = []
    seen = 0
    for raw in text.splitlines():
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or _CC_LINE.match(line):
            continue
        seen += 1
        if seen > _MAX_LINES or _STOP.match(line):
            break
        named = _personal_salutation(line)
        if named:
            found_lines.append(raw.strip())
            people.extend(named)
            continue
        if found_lines or _is_group(line) or not _is_preamble(line):
            break
    return Salutation(tuple(found_lines), tuple(people)) if people else None


def _is_preamble(line: str) -> bool:
    """What may come before the personal line: the company, the department, a title alone
    (``営業部 部長``), a bracketed tag (``【重要】``)."""
    if _TAG.match(line):
        return True
    return all(_COMPANY.search(w) or _HONORIFIC_END.fullmatch(w) for w in line.split())


def _is_group(line: str) -> bool:
    western = _WESTERN.match(line)
    if western and _GROUP_EN.match(western.group("name")):
        return True
    return bool(_GROUP_JA.search(line))


def _personal_salutation(line: str) -> list[NamedPerson]:
    if _is_group(line):
        return []
    western = _WESTERN.match(line) or _ROMAJI_HONORIFIC.match(line)
    if western:
        # "Hi Yuki, how are you?": the name ends at the first comma, colon or exclamation.
        names = re.split(r"[,:;!]", western.group("name"))[0]
        parts = _LIST_SEPARATORS.split(names)
        return [p for p in map(_western_name, parts) if p is not None]
    parts = _LIST_SEPARATORS.split(line.rstrip(_TRAILING))
    if not all(_HONORIFIC_END.search(p.rstrip(_TRAILING)) for p in parts):
        # "鈴木様　いつもお世話になっております。": the salutation, then the text on one line.
        leading = _LEADING_JA.match(line)
        if leading is None:
            return []
        parts = [leading.group("salutation")]
    return [p for p in map(_japanese_name, parts) if p is not None]


def _western_name(part: str) -> NamedPerson | None:
    words = part.split()
    if not words or len(words) > 5 or not all(_WORD.fullmatch(w) for w in words):
        return None
    titled = _TITLE.match(words[0]) is not None
    # Without a title, a name is one word ("hi john") or capitalised words ("Hi Yuki Sato");
    # "Hi, hope you are well" is a greeting followed by text, not a person.
    if not titled and len(words) > 1 and not all(w[0].isupper() for w in words):
        return None
    return NamedPerson.parse(part)


def _japanese_name(part: str) -> NamedPerson | None:
    words = part.rstrip(_TRAILING).split()
    # "株式会社ABC 営業部 鈴木様": the person is after the organisation words.
    while len(words) > 1 and _COMPANY.search(words[0]):
        words = words[1:]
    name = " ".join(words)
    stem = _HONORIFIC_END.sub("", name.replace(" ", ""))
    while _HONORIFIC_END.search(stem) and len(stem) > 1:
        stem = _HONORIFIC_END.sub("", stem)
    if not stem or len(stem) > _MAX_NAME_CHARS or len(words) > 4 or _NOT_A_NAME.search(stem):
        return None
    return NamedPerson.parse(name)
