"""Deterministic Japanese names from gimei (it draws from the global ``random``: we seed a
private state and restore the global one, so tests never depend on each other's order)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import gimei


@dataclass(frozen=True)
class Person:
    family: str
    given: str
    family_kana: str
    given_kana: str
    family_hiragana: str
    given_hiragana: str


def japanese_people(seed: int, count: int) -> list[Person]:
    state = random.getstate()
    random.seed(seed)
    try:
        names = [gimei.Gimei().name for _ in range(count)]
    finally:
        random.setstate(state)
    return [
        Person(
            n.last.kanji,
            n.first.kanji,
            n.last.katakana,
            n.first.katakana,
            n.last.hiragana,
            n.first.hiragana,
        )
        for n in names
    ]
