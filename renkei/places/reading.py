"""The reading of a Japanese place name in kana (hiragana), by which places are sorted in Japanese
(gojūon order: あいうえお…). A person may give it; when they leave it empty it is made from the
Japanese name with pykakasi, whose dictionaries ship inside the package (nothing is downloaded).
Katakana — the names of foreign cities — become hiragana, so that カ and か sort together."""

from __future__ import annotations

import re
from functools import cache

KATAKANA = re.compile("[\u30a1-\u30f6]")
NOT_KANA = re.compile("[^\u3041-\u3096\u30fc]")  # hiragana and the long-vowel mark stay
SEPARATORS = re.compile(r"[\s=＝・･、,.\-‐]+")


def to_hiragana(text: str) -> str:
    """Katakana turned into hiragana; spaces and separators (・, ＝) left out."""
    text = SEPARATORS.sub("", text or "")
    return KATAKANA.sub(lambda m: chr(ord(m.group()) - 0x60), text)


def is_kana(text: str) -> bool:
    """Whether ``text`` (after ``to_hiragana``) is written in kana only."""
    return not NOT_KANA.search(to_hiragana(text))


@cache
def _converter():
    import pykakasi

    return pykakasi.kakasi()


def reading_of(name_ja: str) -> str:
    """The reading of a Japanese name in hiragana, as pykakasi reads it ("" for an empty name; letters
    and digits, which have no kana reading here, are left out). A reading it gets wrong is given by hand."""
    name = SEPARATORS.sub(" ", name_ja or "").strip()
    if not name:
        return ""
    return NOT_KANA.sub("", to_hiragana("".join(part["hira"] for part in _converter().convert(name))))
