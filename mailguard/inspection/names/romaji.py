"""One comparison key for every way a Japanese name is written in Latin letters.

``Satō``, ``Sato``, ``Satou`` and ``Satoh`` are the same person; so are ``Shinichi``,
``Sinichi`` and ``Shin'ichi``; ``Honma`` and ``Homma``. ``romaji_key`` maps all of them to one
Kunrei-style key without long vowels, so two spellings match when their keys are equal. The
folding is deliberately lossy (``Ōno`` and ``Ono`` collide, as they do in everyday use); the
checks only ever compare a salutation with the few contacts it could mean, where that is
what a person reading the mail would do too.

The rewrite rules run in order on lower-case ASCII letters:

1. Hepburn -> Kunrei consonants: ``sh``→``sy``, ``ch``→``ty``, ``ts``→``t``, ``j``→``zy``,
   ``f``→``h``, ``dz``/``di``/``du`` (ヂ, ヅ) → ``z``; then ``syi``→``si`` etc.
2. syllabic n: ``m`` before ``b``/``m``/``p`` → ``n`` (Homma/Honma, Namba/Nanba).
3. long vowels: ``ou``/``oo``/``oh`` (before a consonant or the end) → ``o``; ``uu``→``u``;
   ``aa``→``a``; ``ii``→``i``; ``ee``→``e``.
"""

from __future__ import annotations

import re
import unicodedata

_CONSONANTS = [
    (re.compile(r"tch"), "tty"),  # Hepburn double ch: matcha -> mattya
    (re.compile(r"sh"), "sy"),
    (re.compile(r"ch"), "ty"),
    (re.compile(r"ts"), "t"),
    (re.compile(r"dz|j"), "zy"),
    (re.compile(r"f"), "h"),
    (re.compile(r"d(?=[iu])"), "z"),
    (re.compile(r"([sztc])yi"), r"\1i"),
    (re.compile(r"zyy"), "zy"),
    (re.compile(r"m(?=[bmp])"), "n"),
]
_LONG_VOWELS = [
    (re.compile(r"o[uo]"), "o"),
    (re.compile(r"oh(?![aiueoy])"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"ii"), "i"),
    (re.compile(r"ee"), "e"),
]
_NOT_LETTER = re.compile(r"[^a-z]")


def romaji_key(text: str) -> str:
    """Fold a romaji name to its comparison key (``"Satoh"`` → ``"sato"``); never raises."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = _NOT_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))
    for pattern, replacement in _CONSONANTS:
        letters = pattern.sub(replacement, letters)
    previous = None
    while previous != letters:  # "ooo" needs two passes; each pass only shortens
        previous = letters
        for pattern, replacement in _LONG_VOWELS:
            letters = pattern.sub(replacement, letters)
    return letters
