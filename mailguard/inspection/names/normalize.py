"""Make two spellings of a name comparable: width, spaces, honorifics, kana, variant kanji.

``normalize_name`` is the comparison key: ``"ｽｽﾞｷ　イチロウ 様"``, ``"すずき いちろう"`` and
``"スズキイチロウ"`` all become ``"スズキイチロウ"``; ``"齋藤 様"`` and ``"斉藤さん"`` become
``"斎藤"``; ``"Dear Mr. Suzuki"`` becomes ``"suzuki"``. The key keeps letters only (kanji, kana,
Latin), so punctuation and separators can never make two keys differ.

``name_tokens`` keeps the word boundaries instead (``["鈴木", "一郎"]``), for display and for
telling a family name from a full name.

Steps, in order: NFKC (full-width → ASCII, half-width kana → full-width, U+3000 → space),
case folding, every kind of space and name separator (``・``, ``=`` ...) to one space, honorific
and greeting words stripped at either end (repeatedly: ``田中先生様``), then for the key: letters
only, hiragana → katakana, variant kanji folded, and Japanese honorifics stripped once more in
that folded form (so ``normalize_name`` is idempotent — a property test holds it to that).
"""

from __future__ import annotations

import re
import unicodedata

from mailguard.inspection.names.kana import to_katakana
from mailguard.inspection.names.variants import fold_variants

_SEPARATORS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff・·=＝]+")

_TITLES = (
    "部長", "課長", "係長", "社長", "室長", "所長", "店長", "会長", "専務", "常務", "主任",
    "教授", "院長", "理事長", "支店長", "事業部長", "本部長", "次長", "取締役",
)  # fmt: skip
JAPANESE_HONORIFICS: tuple[str, ...] = tuple(
    sorted(
        {
            "様", "さま", "サマ", "さん", "サン", "殿", "どの", "ドノ", "先生", "せんせい",
            "センセイ", "御中", "各位", "君", "くん", "クン", "ちゃん", "チャン", "氏", "宛",
            "宛て", "へ", *_TITLES,
        },
        key=lambda h: (-len(h), h),
    )
)  # fmt: skip
"""Suffixes after a Japanese name, longest first (``へ`` as in ``鈴木さんへ``; job titles as
in ``鈴木部長``, which Japanese mail uses in place of 様)."""

_LATIN_SUFFIXES = frozenset({"san", "sama", "sensei", "kun", "chan", "dono"})
_LATIN_PREFIXES = frozenset(
    {"dear", "hi", "hello", "hey", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "to"}
)
_HYPHEN_SUFFIX = re.compile(r"-(?:san|sama|sensei|kun|chan|dono)$", re.IGNORECASE)
_EDGE_PUNCTUATION = ".,:;!?、。,()[]\"'「」『』【】"
_FOLDED_SUFFIXES = tuple(
    sorted({to_katakana(h) for h in JAPANESE_HONORIFICS}, key=len, reverse=True)
)


def prepare(text: str, *, casefold: bool = True) -> str:
    """NFKC, case-folded, separators collapsed to single spaces, trimmed."""
    folded = unicodedata.normalize("NFKC", text)
    if casefold:
        folded = unicodedata.normalize("NFKC", folded.casefold())
    return _SEPARATORS.sub(" ", folded).strip()


def _strip_tokens(tokens: list[str]) -> list[str]:
    changed = True
    while tokens and changed:
        changed = False
        if tokens[0].casefold().rstrip(".,:") in _LATIN_PREFIXES:
            tokens, changed = tokens[1:], True
            continue
        last = tokens[-1]
        if last.casefold() in _LATIN_SUFFIXES:
            tokens, changed = tokens[:-1], True
            continue
        for suffix in (_HYPHEN_SUFFIX.search(last), *_japanese_suffix(last)):
            if suffix is not None:
                stem = last[: suffix.start()] if isinstance(suffix, re.Match) else suffix
                tokens, changed = [*tokens[:-1], *([stem] if stem else [])], True
                break
    return tokens


def _japanese_suffix(token: str) -> tuple[str, ...]:
    """The token without its Japanese honorific, or nothing when it has none."""
    for honorific in JAPANESE_HONORIFICS:
        if token.endswith(honorific):
            return (token[: -len(honorific)],)
    return ()


def name_tokens(text: str, *, casefold: bool = True) -> list[str]:
    """The words of a name with greetings and honorifics removed (NFKC, case-folded unless
    asked not to: ``display_name`` keeps the case the sender wrote)."""
    tokens = [t.strip(_EDGE_PUNCTUATION) for t in prepare(text, casefold=casefold).split(" ")]
    return _strip_tokens([t for t in tokens if t])


def display_name(text: str) -> str:
    """The name as written, width-folded, greetings and honorifics removed: ``"鈴木 一郎"``."""
    return " ".join(name_tokens(text, casefold=False))


def _fold(text: str) -> str:
    letters = "".join(c for c in text if unicodedata.category(c).startswith("L"))
    return fold_variants(to_katakana(letters))


def _strip_folded(key: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for suffix in _FOLDED_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, stripped = key[: -len(suffix)], True
                break
    return key


def normalize_name(text: str) -> str:
    """The comparison key of a name as written in a salutation; never raises."""
    key = _strip_folded(_fold("".join(name_tokens(text))))
    # NFKC and case folding are not closed under each other for a few exotic code points;
    # re-running until nothing changes makes the key a fixed point (idempotent) regardless.
    for _ in range(4):
        again = _strip_folded(_fold("".join(name_tokens(key))))
        if again == key:
            break
        key = again
    return key


def fold_name(text: str) -> str:
    """The comparison key of a name as registered (directory): no honorific stripping, so
    a name that happens to end like an honorific (a given name ending in 君) stays whole."""
    return _fold(prepare(text))
