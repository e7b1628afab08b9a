"""The two full-text backends behind one interface: SQLite FTS5 (trigram tokenizer) and
PostgreSQL full text (a generated, weighted tsvector) with pg_trgm for typo tolerance.

Both answer the same two questions: which products match these terms, best first, with a score
(higher is better); and which vocabulary words look like this misspelt word. The tables they
query are made by migrations 0002 and 0004 and kept in step with ``SearchDocument`` by the
database.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import Protocol

from django.db import connection, transaction

from renkei.knowledge.search.analysis import Term, cjk_bigrams, is_cjk, split_scripts


class Backend(Protocol):
    vendor: str

    def fulltext(self, terms: Sequence[Term], *, any_term: bool = False, ids: Sequence[int] | None = None,
                 limit: int = 1000) -> list[tuple[int, float]]: ...

    def matches(self, terms: Sequence[Term], *, any_term: bool = False, ids: Sequence[int] | None = None,
                limit: int = 1000) -> list[int]: ...

    def similar_words(self, word: str, limit: int = 40) -> list[str]: ...


_WORD = re.compile(r"[^\W_]", re.UNICODE)
_WORD_RUN = re.compile(r"[^\W_]+", re.UNICODE)


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_WORD_SCRIPT = re.compile(r"[\u0000-\u024f\u1e00-\u1eff]*")  # Latin letters (with Vietnamese), digits, punctuation


class SQLiteBackend:
    """FTS5, two tables over the same documents (migrations 0002 and 0004). Queries in Latin
    script go to the word table (unicode61, accents folded): whole words, as on PostgreSQL, with
    the English variants and typo corrections the analysis adds. Anything with Japanese (or
    another script written without spaces) goes to the trigram table: a term of three characters
    or more is a substring phrase over every column; shorter ones (津波) are looked up in the grams
    columns.

    Ranking is bm25. A query that matches more than ``RANK_AT_MOST`` products ranks only the
    ``RANK_AT_MOST`` most recently added of them: bm25 costs a few microseconds per matching row,
    which for a word in most of the library is hundreds of milliseconds, and such a query says
    little that the semantic ranking does not refine anyway (the service keeps at most 1,000
    full-text matches either way)."""

    vendor = "sqlite"
    #: bm25 weights of title, summary, body, files, grams_head, grams_body
    WEIGHTS = (10.0, 5.0, 1.0, 0.5, 5.0, 1.0)
    #: bm25 weights of title, summary, body, files (the word table)
    WORD_WEIGHTS = (10.0, 5.0, 1.0, 0.5)
    RANK_AT_MOST = 500

    @staticmethod
    def in_words(term: Term) -> bool:
        """Whether the term goes to the word table (every form of it in Latin script)."""
        return all(_WORD_SCRIPT.fullmatch(alternative) for alternative in term.alternatives)

    def match_expression(self, terms: Sequence[Term], any_term: bool = False) -> str:
        """The MATCH expression for the trigram table."""
        clauses = []
        for term in terms:
            options = []
            for alternative in term.alternatives:
                if len(alternative) >= 3:
                    options.append(_fts5_string(alternative))
                else:
                    options.append("{grams_head grams_body} : " + _fts5_string(f"_{alternative}_"))
            clauses.append("(" + " OR ".join(options) + ")")
        return (" OR " if any_term else " AND ").join(clauses)

    def word_expression(self, terms: Sequence[Term], any_term: bool = False) -> str | None:
        """The MATCH expression for the word table; None when it can match nothing (a term that is
        only punctuation, in a query whose terms must all match)."""
        clauses = []
        for term in terms:
            options = [_fts5_string(a) for a in term.alternatives if _WORD.search(a)]
            if options:
                clauses.append("(" + " OR ".join(options) + ")")
            elif not any_term:
                return None
        return (" OR " if any_term else " AND ").join(clauses) or None

    def _sides(self, terms, any_term: bool) -> list[tuple[str, Sequence[float], str]]:
        """(table, bm25 weights, MATCH expression) for the Latin-script and the other terms."""
        sides = []
        words = [t for t in terms if self.in_words(t)]
        grams = [t for t in terms if not self.in_words(t)]
        if words:
            expression = self.word_expression(words, any_term)
            if expression is None and not any_term:
                return []
            if expression is not None:
                sides.append(("knowledge_words", self.WORD_WEIGHTS, expression))
        if grams:
            sides.append(("knowledge_fts", self.WEIGHTS, self.match_expression(grams, any_term)))
        return sides

    def matches(self, terms, *, any_term=False, ids=None, limit=1000):
        """The products ``fulltext`` returns, unranked: the newest RANK_AT_MOST matches."""
        sides = self._sides(terms, any_term) if terms else []
        if len(sides) != 1 or limit < self.RANK_AT_MOST:
            return [pk for pk, _score in self.fulltext(terms, any_term=any_term, ids=ids, limit=limit)]
        where, params = self._where(sides[0][0], sides[0][2], ids, None)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {sides[0][0]} WHERE {where} ORDER BY rowid DESC LIMIT %s",  # noqa: S608
                           [*params, self.RANK_AT_MOST])
            return [int(pk) for (pk,) in cursor.fetchall()]

    def fulltext(self, terms, *, any_term=False, ids=None, limit=1000):
        if not terms:
            return []
        sides = self._sides(terms, any_term)
        if not sides:
            return []
        if len(sides) == 1:
            return self._ranked(*sides[0], ids=ids, limit=limit)
        # Latin and Japanese terms together: each table ranks its own terms, and the two bm25
        # scores add up, as bm25 itself adds up its terms. For "all terms", the trigram table ranks
        # the newest RANK_AT_MOST products that the word table matches too, and the word table then
        # ranks just those: the same products either way round, and the trigram table, the slower
        # of the two, is searched once.
        (word_table, word_weights, word_match), (gram_table, gram_weights, gram_match) = sides
        scores: dict[int, list[float]] = {}
        if any_term:
            found = [*self._ranked(word_table, word_weights, word_match, ids=ids, limit=self.RANK_AT_MOST),
                     *self._ranked(gram_table, gram_weights, gram_match, ids=ids, limit=self.RANK_AT_MOST)]
        else:
            grams = self._ranked(gram_table, gram_weights, gram_match, ids=ids, limit=self.RANK_AT_MOST,
                                 within=(word_table, word_match))
            words = self._ranked(word_table, word_weights, word_match, ids=[pk for pk, _score in grams],
                                 limit=self.RANK_AT_MOST) if grams else []
            found = [*grams, *words]
        for pk, score in found:
            scores.setdefault(pk, []).append(score)
        combined = [(pk, sum(parts)) for pk, parts in scores.items() if any_term or len(parts) == 2]
        combined.sort(key=lambda item: (-item[1], item[0]))
        return combined[:limit]

    def _ranked(self, table: str, weights: Sequence[float], expression: str, *, ids=None, limit: int,
                within: tuple[str, str] | None = None) -> list[tuple[int, float]]:
        """(product id, bm25 score) of the matches, best first; ``within`` = (table, expression)
        keeps only the products that that match too."""
        where, params = self._where(table, expression, ids, within)
        # bm25 is computed for the rows the query returns: the newest RANK_AT_MOST matches
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, bm25({table}, {', '.join(str(w) for w in weights)}) "  # noqa: S608
                           f"FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s", [*params, self.RANK_AT_MOST])
            found = [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:limit]

    @staticmethod
    def _where(table: str, expression: str, ids, within) -> tuple[str, list]:
        # table names are constants of this class; every value is a parameter
        where = f"{table} MATCH %s"
        params: list = [expression]
        if ids is not None:
            # "+rowid": a filter on the matches, not a look-up per id (FTS5 would run the MATCH once
            # for every id in the list)
            where += " AND +rowid IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps(list(ids)))
        if within is not None:
            where += f" AND +rowid IN (SELECT rowid FROM {within[0]} WHERE {within[0]} MATCH %s)"  # noqa: S608
            params.append(within[1])
        return where, params

    def similar_words(self, word, limit=40):
        pieces = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
        if not pieces:
            return []
        expression = " OR ".join(_fts5_string(p) for p in pieces)
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM knowledge_vocab WHERE knowledge_vocab MATCH %s ORDER BY rank LIMIT %s",
                           [expression, limit])
            return [row[0] for row in cursor.fetchall()]


_SCANS = "SELECT set_config('enable_indexscan', %s, true), set_config('enable_seqscan', %s, true)"
_STATISTICS_SECONDS = 300.0
_SIZE_SECONDS = 5.0
_statistics: dict[str, tuple[float, dict[str, float]]] = {}
_sizes: dict[str, tuple[float, tuple[float, int | None]]] = {}


def _common_lexemes(cursor) -> dict[str, float]:
    """lexeme → share of products, for the lexemes ANALYZE found most often in the tsvector (read
    again every five minutes)."""
    now = time.monotonic()
    known = _statistics.get(connection.alias)
    if known is None or now - known[0] >= _STATISTICS_SECONDS:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE tablename = 'knowledge_searchdocument' AND attname = 'document'")
        row = cursor.fetchone()
        # the frequencies end with their minimum, maximum and the share of nulls
        known = (now, dict(zip(row[0], row[1], strict=False)) if row and row[0] else {})
        _statistics[connection.alias] = known
    return known[1]


def _size(cursor) -> tuple[float, int | None]:
    """(about how many documents, highest product id), read again every few seconds: a window
    sized from slightly old figures is only a little too wide, as it is open upwards."""
    now = time.monotonic()
    known = _sizes.get(connection.alias)
    if known is None or now - known[0] >= _SIZE_SECONDS:
        cursor.execute("SELECT reltuples, (SELECT max(product_id) FROM knowledge_searchdocument) FROM pg_class "
                       "WHERE oid = 'knowledge_searchdocument'::regclass")
        products, highest = cursor.fetchone()
        known = (now, (float(products), highest))
        _sizes[connection.alias] = known
    return known[1]


def _lexemes(text: str) -> list[str]:
    """The lexemes PostgreSQL's 'simple' parser makes of an alternative, near enough to estimate."""
    out: list[str] = []
    for part in split_scripts(text):
        out.extend(cjk_bigrams(part) if is_cjk(part) else _WORD_RUN.findall(part.lower()))
    return out



class PostgresBackend:
    """A weighted tsvector (title A; summary and its grams B; body and its grams C; files D) with a
    GIN index; Japanese terms become phrases of bigrams; pg_trgm finds look-alike words.

    Ranking is ts_rank, which reads each product's whole tsvector (kilobytes, stored out of line,
    ~8 µs each); so, as on SQLite, a query that matches more than ``RANK_AT_MOST`` products ranks
    the ``RANK_AT_MOST`` most recently added of them. The matches come from the GIN index alone
    (bitmap scans: the planner, which does not count the cost of reading a tsvector, would
    otherwise check products one by one), from a window of the newest ids that should hold about
    1.5 × ``RANK_AT_MOST`` of them, widened by the density it showed while it holds fewer."""

    vendor = "postgresql"
    RANK_AT_MOST = 500
    WINDOW_MARGIN = 1.5

    #: a Japanese word of at least this many bigrams is matched by all of them, in any order
    BIGRAMS_IN_ANY_ORDER = 3

    def _alternative(self, text: str) -> tuple[str, list[str]]:
        """One alternative of a term as a tsquery. A Japanese word is a sequence of bigrams: a
        phrase when it has one or two (下水道: 下水 <-> 水道), or all its bigrams when it has
        BIGRAMS_IN_ANY_ORDER or more (コンパクトシティ), which the GIN index answers on its own, where
        a phrase makes PostgreSQL read every candidate's tsvector to check the positions; three
        bigrams or more are almost never all in a product without the word."""
        parts, params, in_any_order = [], [], False
        pieces = split_scripts(text)
        for part in pieces:
            if is_cjk(part):
                bigrams = cjk_bigrams(part)
                loose = len(bigrams) >= self.BIGRAMS_IN_ANY_ORDER
                in_any_order |= loose
                parts.append("plainto_tsquery('simple', %s)" if loose else "phraseto_tsquery('simple', %s)")
                params.append(" ".join(bigrams))
            else:
                parts.append("phraseto_tsquery('simple', %s)" if " " in part else "plainto_tsquery('simple', %s)")
                params.append(part)
        if not parts:
            return "''::tsquery", []
        if len(parts) == 1:
            return parts[0], params
        # Latin and Japanese in one term (sdgs未来都市): the documents store a space where the
        # scripts meet, so the Latin word is a word of the text, while the Japanese one is found
        # by its bigrams, which come later in the tsvector: both, in any order
        mixed = any(is_cjk(p) for p in pieces) and not all(is_cjk(p) for p in pieces)
        sql = "(" + (" && " if in_any_order or mixed else " <-> ").join(parts) + ")"
        together = text.replace(" ", "")
        if mixed and _WORD_RUN.fullmatch(together):
            # a document indexed before the scripts were spaced holds such a run as one word
            # (SDGs未来都市の取組): the term as the start of such a word
            sql = f"({sql} || to_tsquery('simple', %s))"
            params.append(f"'{together}':*")  # word characters only: nothing to quote
        return sql, params

    def tsquery(self, terms: Sequence[Term], any_term: bool = False) -> tuple[str, list[str]]:
        clauses, params = [], []
        for term in terms:
            options: dict[tuple[str, tuple[str, ...]], None] = {}  # "sdgs 未来都市" reads as "sdgs未来都市"
            for alternative in term.alternatives:
                sql, p = self._alternative(alternative)
                options.setdefault((sql, tuple(p)), None)
            clauses.append("(" + " || ".join(sql for sql, _p in options) + ")")
            params.extend(p for _sql, ps in options for p in ps)
        return (" || " if any_term else " && ").join(clauses), params

    def fulltext(self, terms, *, any_term=False, ids=None, limit=1000):
        return self._search(terms, any_term, ids, limit, rank=True)

    def matches(self, terms, *, any_term=False, ids=None, limit=1000):
        """The products ``fulltext`` returns, unranked: the newest RANK_AT_MOST matches."""
        if limit < self.RANK_AT_MOST:
            return [pk for pk, _score in self.fulltext(terms, any_term=any_term, ids=ids, limit=limit)]
        return [pk for pk, _score in self._search(terms, any_term, ids, limit, rank=False)]

    def _search(self, terms, any_term: bool, ids, limit: int, *, rank: bool) -> list[tuple[int, float]]:
        if not terms:
            return []
        expression, params = self.tsquery(terms, any_term)
        # the expressions are made of fixed function calls; every value in them is a parameter
        match, match_params = f"document @@ ({expression})", list(params)
        if ids is not None:
            match += " AND product_id = ANY(%s)"
            match_params.append(list(ids))
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            window = None if ids is not None else self._window(cursor, terms, any_term)
            # bitmap scans only: until this transaction ends or, inside an outer one, until they are
            # put back below (an error rolls them back either way)
            cursor.execute("SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan'), "
                           "set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)")
            saved = cursor.fetchone()[:2]
            found = self._newest(cursor, expression if rank else None, params, match, match_params, window, limit)
            if not outermost:
                cursor.execute(_SCANS, list(saved))
        return found

    def _newest(self, cursor, expression, params, match, match_params, window, limit):
        """The newest RANK_AT_MOST matches, ranked by ts_rank (best ``limit``) unless ``expression``
        is None; within ``window``, widened while it holds fewer."""
        lowest, highest = window if window is not None else (None, None)
        while True:
            where, where_params = match, list(match_params)
            if lowest is not None:
                where += " AND product_id >= %s"
                where_params.append(lowest)
            if expression is None:
                cursor.execute(f"SELECT product_id, 0.0, count(*) OVER () FROM (SELECT product_id "  # noqa: S608
                               f"FROM knowledge_searchdocument WHERE {where} ORDER BY product_id DESC "
                               "LIMIT %s) AS newest", [*where_params, self.RANK_AT_MOST])
            else:
                # the tsvectors travel as references: only the newest RANK_AT_MOST are read, to rank
                cursor.execute(
                    f"WITH newest AS (SELECT product_id, document FROM knowledge_searchdocument "  # noqa: S608
                    f"WHERE {where} ORDER BY product_id DESC LIMIT %s) "
                    f"SELECT product_id, r, count(*) OVER () FROM (SELECT product_id, "
                    f"ts_rank(document, ({expression}), 1) AS r FROM newest) AS ranked "
                    "ORDER BY r DESC, product_id LIMIT %s",
                    [*where_params, self.RANK_AT_MOST, *params, limit])
            rows = cursor.fetchall()
            found = rows[0][2] if rows else 0
            if lowest is None or found >= self.RANK_AT_MOST:
                return [(int(pk), float(rank)) for pk, rank, _n in rows]
            # too few: a window sized by the density just seen, at least twice as wide
            span = highest - lowest + 1
            wanted = self.WINDOW_MARGIN * self.RANK_AT_MOST
            wider = max(2 * span, wanted * span / found) if found else 2 * span
            lowest = int(highest - wider) if highest - wider > 0 else None

    def _window(self, cursor, terms: Sequence[Term], any_term: bool) -> tuple[int, int] | None:
        """(lowest, highest) id of the newest products that should hold WINDOW_MARGIN ×
        RANK_AT_MOST matches; None for the whole library (a small one, or a query expected in
        fewer products)."""
        share = self.expected_share(cursor, terms, any_term)
        products, highest = _size(cursor)
        wanted = self.WINDOW_MARGIN * self.RANK_AT_MOST
        if highest is None or share * products <= wanted:
            return None
        return int(highest - wanted / share * highest / products), int(highest)

    def expected_share(self, cursor, terms: Sequence[Term], any_term: bool) -> float:
        """The share of products the query should match, from the column's statistics (the
        lexemes in at least ~5 % of products and how many have each): a phrase or a word in no
        more products than its rarest lexeme, a term in at least as many as its commonest form,
        all terms in no more than the rarest. A lexeme outside the statistics counts as rare (0):
        too low an estimate only costs a wider window. The planner's own estimate
        multiplies the shares of a phrase's lexemes as if they were independent, which for the
        bigrams of one Japanese word is several times too low."""
        common = _common_lexemes(cursor)
        shares = [max(min((common.get(x, 0.0) for x in _lexemes(a)), default=0.0) for a in term.alternatives)
                  for term in terms]
        if not shares:
            return 0.0
        return min(sum(shares), 1.0) if any_term else min(shares)

    def similar_words(self, word, limit=40):
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM knowledge_searchterm WHERE term %% %s "
                           "ORDER BY similarity(term, %s) DESC, term LIMIT %s", [word, word, limit])
            return [row[0] for row in cursor.fetchall()]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise RuntimeError(f"The library's search needs SQLite or PostgreSQL, not {connection.vendor}.")
