"""Variant kanji (異体字) that people write interchangeably in names, folded to one form.

A family registered as 齋藤 receives mail addressed to 斎藤 and 斉藤 every day, and the
directory may hold any of them. Each group below lists the form we fold *to* first, then the
variants that fold to it. The groups are data on purpose: adding a pair is a one-line change
with no code to touch.

Rules every edit must keep (``tests/unit/names/test_variants.py`` enforces them):

- a character appears in at most one group;
- the first character of a group is stable under NFKC (so folding stays idempotent);
- a group has at least two characters.

CJK *compatibility* ideographs (U+FA10 塚, U+FA19 神, ...) are not listed: NFKC, which runs
before this table, already folds them to their unified forms.
斉/斎 are strictly different characters, but in surnames (斉藤/斎藤) they are confused so often
that treating them as one is what an approver expects.
"""

from __future__ import annotations

VARIANT_GROUPS: tuple[str, ...] = (
    "斎齋斉齊",
    "高髙",
    "崎﨑嵜碕",
    "辺邊邉",
    "沢澤",
    "浜濱",
    "広廣",
    "島嶋嶌",
    "桜櫻",
    "徳德",
    "真眞",
    "富冨",
    "国國圀",
    "蔵藏",
    "竜龍",
    "瀬瀨",
    "児兒",
    "寿壽",
    "恵惠",
    "栄榮",
    "会會",
    "条條",
    "実實",
    "騨驒",
    "渕淵",
    "村邨",
    "桧檜",
    "万萬",
    "与與",
    "黒黑",
    "静靜",
    "増增",
    "曽曾",
    "館舘",
    "亜亞",
    "弁辯辨瓣",
    "鉄鐵",
    "晋晉",
    "学學",
    "聡聰",
    "将將",
    "弥彌",
    "礼禮",
    "穂穗",
    "関關",
    "吉𠮷",
    "槙槇",
    "桑桒",
    "峰峯",
    "野埜",
    "柳栁",
    "恒恆",
    "遥遙",
    "尭堯",
    "円圓",
    "芦蘆",
    "豊豐",
    "巌巖",
    "滝瀧",
    "園薗",
    "鶴靏",
    "亀龜",
    "県縣",
    "応應",
    "塩鹽",
    "来來",
    "剣劍",
    "検檢",
    "芸藝",
    "青靑",
    "清淸",
    "経經",
    "絵繪",
    "継繼",
    "仏佛",
    "気氣",
    "沖冲",
    "寛寬",
    "浅淺",
    "薮藪",
    "鴎鷗",
    "鉱鑛",
    "磯礒",
    "篭籠",
    "蛍螢",
    "栃杤",
    "顕顯",
    "発發",
    "霊靈",
    "姫姬",
    "郎郞",
    "壮壯",
    "荘莊",
    "岳嶽",
)


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for group in VARIANT_GROUPS:
        canonical = group[0]
        for variant in group[1:]:
            table[ord(variant)] = canonical
    return table


VARIANT_TABLE: dict[int, str] = _build_table()
"""``str.translate`` table: variant code point -> canonical character. Built at import."""


def fold_variants(text: str) -> str:
    """Replace every variant kanji in ``text`` with its canonical form."""
    return text.translate(VARIANT_TABLE)
