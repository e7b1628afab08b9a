"""The reading of a Japanese place name in kana (hiragana), by which places are sorted in Japanese
(gojūon order: あいうえお…). A person may give it; when they leave it empty it is made from the
Japanese name with pykakasi, whose dictionaries ship inside the package (nothing is downloaded).
Katakana — the names of foreign cities — become hiragana, so that カ and か sort together.

Code-point order is not gojūon order (ゔ comes after ん, the long mark ー after every kana), so places are
sorted by ``sort_key``, kept beside the reading as ``Place.name_ja_sort``."""

from __future__ import annotations

import re
import unicodedata
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


VOICED, SEMI_VOICED = "\u3099", "\u309a"  # the combining marks that NFD splits off が, ぱ and ゔ
LONG_MARK = "\u30fc"
# The weight of a kana among those with the same base letter: small before large, the long mark before
# the vowel it lengthens, then plain, voiced and semi-voiced (っ < つ < づ; ー < あ; は < ば < ぱ).
SMALL, LONG, PLAIN, VOICED_WEIGHT, SEMI_VOICED_WEIGHT = "0", "1", "2", "3", "4"
VOWELS = {"A": "あ", "I": "い", "U": "う", "E": "え", "O": "お"}


@cache
def _letter(char: str) -> tuple[str, str]:
    """A hiragana letter as its base letter (large, without voicing marks) and its weight among the
    letters of that base: が → (か, voiced), ぁ → (あ, small), ゔ → (う, voiced)."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    name = unicodedata.name(base, "")
    if name.startswith("HIRAGANA LETTER SMALL "):
        try:
            return unicodedata.lookup(name.replace(" SMALL ", " ")), SMALL
        except KeyError:
            return base, SMALL
    if VOICED in marks:
        return base, VOICED_WEIGHT
    if SEMI_VOICED in marks:
        return base, SEMI_VOICED_WEIGHT
    return base, PLAIN


def _vowel(base: str) -> str:
    """The vowel a long mark after ``base`` lengthens (か → あ); ``base`` itself when it has none (ん)."""
    name = unicodedata.name(base, "")
    return VOWELS.get(name[-1:], base) if name.startswith("HIRAGANA LETTER ") else base


def sort_key(reading: str) -> str:
    """The text whose code-point order is the gojūon order of readings (in hiragana or katakana), as
    Japanese dictionaries sort: first by the base letters — voiced and small kana count as their plain
    letter (ゔ as う), the long mark as the vowel it lengthens (らーめん as らあめん) —, then, between
    readings with the same letters, small before large, the long mark before a written vowel, plain
    before voiced before semi-voiced. So う < ゔぇ < え, かき < がっこう < かっぱ, and らーめん < らあめん.
    Empty for an empty reading."""
    reading = to_hiragana(reading)
    if not reading:
        return ""
    bases, weights = [], []
    for char in reading:
        if char == LONG_MARK:
            bases.append(_vowel(bases[-1]) if bases else char)
            weights.append(LONG)
        else:
            base, weight = _letter(char)
            bases.append(base)
            weights.append(weight)
    # the space is below every kana: a reading that is the start of another comes first
    return "".join(bases) + " " + "".join(weights)
