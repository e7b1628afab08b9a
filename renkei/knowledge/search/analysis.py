"""Text analysis for the library's search, shared by both database backends. Pure Python.

Documents are stored normalised (NFKC, lower case). A trigram index finds any substring of three
characters or more, in any script, so 「コンパクトシティ」 needs no word segmenter; what
it cannot find are the one- and two-character words Japanese is full of (津波, 防災, 水) and short
Latin words (EV, 3R). Those are stored a second time as *grams* — every CJK bigram in text order,
each distinct CJK character, every Latin word of one or two characters — each wrapped in
underscores (``_津波_``), so a trigram index finds them as ``_津波`` + ``津波_`` and PostgreSQL's
parser reads them as words in order (a phrase of bigrams finds a longer Japanese word).

On SQLite, queries in Latin script are answered by a second FTS5 table tokenised into words (see
``backends.SQLiteBackend``), so they match whole words, as PostgreSQL's tsvector does.

Queries are split into terms (quoted phrases kept whole); English words also match their plural or
singular; a Latin word the library does not contain is corrected against its vocabulary (edit
distance 1, or 2 for words of eight letters or more).
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_CJK = re.compile(f"[{CJK_CLASS}]")
_LATIN_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_WORD_OR_CJK = re.compile(f"[{CJK_CLASS}]+|[^\\W_{CJK_CLASS}]+", re.UNICODE)
# where a CJK character meets a Latin letter or a digit, in either order ("sdgs未来都市", "本市はdx")
_SCRIPTS_MEET = re.compile(f"(?<=[{CJK_CLASS}])(?=[^\\W_{CJK_CLASS}])|(?<=[^\\W_{CJK_CLASS}])(?=[{CJK_CLASS}])",
                           re.UNICODE)
_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')
_EDGE_PUNCT = re.compile(r"^[^\w\u3040-\uffff]+|[^\w\u3040-\uffff]+$")
VOCABULARY_MIN = 4
#: English words too common to search for on their own (a query of only these keeps them)
_STOPWORDS = ("a an and are as at be by do does for from has have how in into is it its of on or our "
              "the their this to was we what when where which who why with")
STOPWORDS = frozenset(_STOPWORDS.split(" "))
VOCABULARY_MAX = 40


def normalise(text: str) -> str:
    """NFKC (full-width Latin and half-width kana folded) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def spaced_scripts(text: str) -> str:
    """A space wherever CJK and Latin script (or digits) meet: Japanese writes Latin words and
    acronyms into its text without spaces (本市はSDGs未来都市に選定), and both databases' word
    parsers would read such a run as one word, so "SDGs" alone would not find it. The documents'
    text columns are stored so; a query term written the same way also looks for this form."""
    return _SCRIPTS_MEET.sub(" ", text)


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def grams(text: str) -> str:
    """The short pieces of a normalised text that a trigram index cannot find (see module doc)."""
    text = normalise(text)
    ordered: list[str] = []
    singles: dict[str, None] = {}
    alone: set[str] = set()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            ordered.append(run)
            alone.add(run)
            continue
        ordered.extend(run[i : i + 2] for i in range(len(run) - 1))
        singles.update(dict.fromkeys(run))
    for word in _LATIN_WORD.findall(_CJK_RUN.sub(" ", text)):
        if len(word) <= 2:
            ordered.append(word)
    ordered.extend(c for c in singles if c not in alone)
    return " ".join(f"_{g}_" for g in ordered)


def vocabulary(text: str) -> set[str]:
    """The words typo tolerance corrects against: Latin-script words of four letters or more."""
    return {w for w in _LATIN_WORD.findall(_CJK_RUN.sub(" ", normalise(text)))
            if VOCABULARY_MIN <= len(w) <= VOCABULARY_MAX and w.isalpha()}


def english_variants(word: str) -> list[str]:
    """The word and its likely singular or plural ("city" ↔ "cities", "bus" ↔ "buses")."""
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return [word]
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    elif word.endswith(("ses", "xes", "zes", "ches", "shes")):
        out.append(word[:-2])
    elif word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    elif word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        out.append(word[:-1] + "ies")
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        out.append(word + "es")
    else:
        out.append(word + "s")
    return out


@dataclass
class Term:
    """One query term: the text as typed (normalised), whether it was a quoted phrase, and what
    it may also match (English variants, typo corrections)."""

    text: str
    phrase: bool = False
    variants: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)

    @property
    def alternatives(self) -> list[str]:
        return list(dict.fromkeys([self.text, *self.variants, *self.corrections]))

    @property
    def correctable(self) -> bool:
        return not self.phrase and self.text.isalpha() and not is_cjk(self.text) and len(self.text) >= VOCABULARY_MIN


def parse_query(query: str, max_terms: int = 12) -> list[Term]:
    """Terms of a query: quoted phrases whole, other words split on white space, punctuation at
    the edges dropped. At most ``max_terms`` terms (a pasted paragraph is cut)."""
    terms: list[Term] = []
    for quoted, word in _QUERY_PART.findall(normalise(query)):
        if quoted.strip():
            text = " ".join(quoted.split())
            terms.append(Term(text=text, phrase=True, variants=_spaced_variant(text)))
            continue
        text = _EDGE_PUNCT.sub("", word)
        if not text:
            continue
        terms.append(Term(text=text, variants=english_variants(text)[1:] if text.isascii() else _spaced_variant(text)))
    unique: dict[str, Term] = {}
    for term in terms:
        unique.setdefault(term.text, term)
    kept = [t for t in unique.values() if t.phrase or t.text not in STOPWORDS]
    return (kept or list(unique.values()))[:max_terms]


def _spaced_variant(text: str) -> list[str]:
    """The term as the documents store it, when that differs: "sdgs未来都市" → ["sdgs 未来都市"]."""
    spaced = spaced_scripts(text)
    return [spaced] if spaced != text else []


def wrapped_grams(piece: str) -> list[str]:
    """How a short piece (one or two characters) is stored in the grams columns."""
    return [f"_{piece}_"]


def cjk_bigrams(text: str) -> list[str]:
    """The bigrams of a CJK string in order (its single character if it has one)."""
    return [text] if len(text) == 1 else [text[i : i + 2] for i in range(len(text) - 1)]


def split_scripts(text: str) -> list[str]:
    """A term split where CJK and Latin script meet ("sdgs未来都市" → ["sdgs", "未来都市"])."""
    return _WORD_OR_CJK.findall(text)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), stopping
    early once every path exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1


def best_corrections(word: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The vocabulary words closest to a word the library does not contain, nearest first."""
    allowed = allowed_distance(word)
    scored = sorted((edit_distance(word, c, allowed), c) for c in candidates if c != word)
    return [c for d, c in scored if d <= allowed][:limit]


# --- snippets ---------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _needle_pattern(needles: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for all the needles, tried at every position (a lookahead, so matches that
    overlap are all found), longest needle first; Latin words only at the start of a word."""
    options = []
    for needle in sorted({n.lower() for n in needles if n}, key=lambda n: (-len(n), n)):
        pattern = re.escape(needle)
        options.append(rf"(?<![a-z0-9]){pattern}" if not is_cjk(needle) and needle.isascii() else pattern)
    return re.compile("(?=(" + "|".join(options) + "))") if options else None


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    pattern = _needle_pattern(tuple(needles))
    if pattern is None:
        return []
    merged: list[tuple[int, int]] = []
    for match in pattern.finditer(text.lower()):
        start, end = match.start(), match.start() + len(match.group(1))
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


MAX_SNIPPET_STARTS = 100  # a snippet starts at one of the first matches: a long text's later ones are not tried


def highlight(text: str, needles: list[str], width: int = 220) -> tuple[str, bool]:
    """An HTML snippet of ``text`` around the densest cluster of ``needles``, each found needle
    wrapped in ``<mark>``; returns (html, whether anything was found). Everything is escaped."""
    text = " ".join((text or "").split())
    spans = _spans(text, needles)
    if not spans:
        cut = text[:width]
        return html.escape(cut + ("…" if len(text) > width else "")), False
    best_start, best_score = 0, -1
    starts = [s[0] for s in spans]
    for i, (start, _end) in enumerate(spans[:MAX_SNIPPET_STARTS]):
        window = spans[i:bisect_left(starts, start + width, lo=i)]
        score = len({text[s[0]:s[1]].lower() for s in window}) * 100 + len(window)
        if score > best_score:
            best_start, best_score = start, score
    begin = max(0, best_start - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin + 1)
        begin = space + 1 if space > begin - 20 else begin
    end = min(len(text), begin + width)
    out, cursor = [], begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    return ("…" if begin else "") + "".join(out) + ("…" if end < len(text) else ""), True
