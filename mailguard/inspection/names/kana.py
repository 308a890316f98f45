"""Kana helpers: fold hiragana to katakana, and spell katakana readings in romaji.

Directory readings are katakana (``スズキ``); salutations arrive as hiragana (``すずき様``),
katakana, or romaji (``Dear Mr. Suzuki``). Folding hiragana to katakana makes the first two
comparable; spelling the reading in romaji and passing both sides through
``romaji.romaji_key`` makes the third comparable. The romaji produced here is Kunrei-like on
purpose: ``romaji_key`` folds Hepburn, Kunrei and long-vowel spellings to one key anyway, so the
spelling only has to be consistent, not pretty.
"""

from __future__ import annotations

_HIRAGANA_FIRST, _HIRAGANA_LAST = 0x3041, 0x3096
_KANA_OFFSET = 0x60
_TO_KATAKANA = {
    code: code + _KANA_OFFSET for code in range(_HIRAGANA_FIRST, _HIRAGANA_LAST + 1)
} | {0x309D: 0x30FD, 0x309E: 0x30FE}  # ゝゞ iteration marks


def to_katakana(text: str) -> str:
    """Hiragana -> katakana; everything else unchanged."""
    return text.translate(_TO_KATAKANA)


_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo",
    "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "シャ": "sya", "シュ": "syu", "ショ": "syo", "シェ": "sye",
    "ジャ": "zya", "ジュ": "zyu", "ジョ": "zyo", "ジェ": "zye",
    "チャ": "tya", "チュ": "tyu", "チョ": "tyo", "チェ": "tye",
    "ヂャ": "zya", "ヂュ": "zyu", "ヂョ": "zyo",
    "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo",
    "ビャ": "bya", "ビュ": "byu", "ビョ": "byo",
    "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo",
    "ミャ": "mya", "ミュ": "myu", "ミョ": "myo",
    "リャ": "rya", "リュ": "ryu", "リョ": "ryo",
    "ファ": "ha", "フィ": "hi", "フェ": "he", "フォ": "ho",
    "ティ": "ti", "ディ": "di", "トゥ": "tu", "ドゥ": "du",
    "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ヴァ": "ba", "ヴィ": "bi", "ヴェ": "be",
    "ヴォ": "bo",
}  # fmt: skip

_SINGLES = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "si", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "zi", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "ti", "ツ": "tu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "zi", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "hu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n", "ヴ": "bu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
    "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa", "ヵ": "ka", "ヶ": "ke",
}  # fmt: skip

_SOKUON = "ッ"
_LONG_MARK = "ー"


def katakana_to_romaji(text: str) -> str:
    """Spell katakana (hiragana is folded first) in lower-case romaji.

    ``ッ`` doubles the next consonant, ``ー`` repeats the previous vowel, and anything that is
    not kana is passed through, so mixed input never raises.
    """
    kana = to_katakana(text)
    out: list[str] = []
    double_next = False
    i = 0
    while i < len(kana):
        pair = kana[i : i + 2]
        if pair in _DIGRAPHS:
            syllable, i = _DIGRAPHS[pair], i + 2
        elif kana[i] == _SOKUON:
            double_next, i = True, i + 1
            continue
        elif kana[i] == _LONG_MARK:
            syllable = out[-1][-1] if out and out[-1][-1] in "aiueo" else ""
            i += 1
        else:
            syllable, i = _SINGLES.get(kana[i], kana[i]), i + 1
        if double_next and syllable and syllable[0] not in "aiueon":
            syllable = syllable[0] + syllable
        double_next = False
        out.append(syllable)
    return "".join(out)
