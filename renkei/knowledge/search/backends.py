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
from collections.abc import Sequence
from typing import Protocol

from django.db import connection

from renkei.knowledge.search.analysis import Term, cjk_bigrams, is_cjk, split_scripts


class Backend(Protocol):
    vendor: str

    def fulltext(self, terms: Sequence[Term], *, any_term: bool = False, ids: Sequence[int] | None = None,
                 limit: int = 1000) -> list[tuple[int, float]]: ...

    def similar_words(self, word: str, limit: int = 40) -> list[str]: ...


_WORD = re.compile(r"[^\W_]", re.UNICODE)


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
    little that the semantic ranking does not refine anyway."""

    vendor = "sqlite"
    #: bm25 weights of title, summary, body, files, grams_head, grams_body
    WEIGHTS = (10.0, 5.0, 1.0, 0.5, 5.0, 1.0)
    #: bm25 weights of title, summary, body, files (the word table)
    WORD_WEIGHTS = (10.0, 5.0, 1.0, 0.5)
    RANK_AT_MOST = 2000

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

    def fulltext(self, terms, *, any_term=False, ids=None, limit=1000):
        if not terms:
            return []
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
        if len(sides) == 1:
            return self._ranked(*sides[0], ids=ids, limit=limit)
        # Latin and Japanese terms together: each table ranks its own terms (restricted, for "all
        # terms", to the products the other table matches too), and the two bm25 scores add up, as
        # bm25 itself adds up its terms.
        (word_table, word_weights, word_match), (gram_table, gram_weights, gram_match) = sides
        scores: dict[int, list[float]] = {}
        for table, weights, match, other in ((word_table, word_weights, word_match, (gram_table, gram_match)),
                                             (gram_table, gram_weights, gram_match, (word_table, word_match))):
            for pk, score in self._ranked(table, weights, match, ids=ids, limit=self.RANK_AT_MOST,
                                          within=None if any_term else other):
                scores.setdefault(pk, []).append(score)
        combined = [(pk, sum(parts)) for pk, parts in scores.items() if any_term or len(parts) == 2]
        combined.sort(key=lambda item: (-item[1], item[0]))
        return combined[:limit]

    def _ranked(self, table: str, weights: Sequence[float], expression: str, *, ids=None, limit: int,
                within: tuple[str, str] | None = None) -> list[tuple[int, float]]:
        """(product id, bm25 score) of the matches, best first; ``within`` = (table, expression)
        keeps only the products that that match too."""
        # table names and weights are constants of this class; every value is a parameter
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
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s",  # noqa: S608
                           [*params, self.RANK_AT_MOST])
            newest = cursor.fetchall()
            if not newest:
                return []
            if len(newest) == self.RANK_AT_MOST:  # rank only the newest RANK_AT_MOST matches
                where += " AND rowid >= %s"
                params.append(newest[-1][0])
            cursor.execute(f"SELECT rowid, bm25({table}, {', '.join(str(w) for w in weights)}) AS r "  # noqa: S608
                           f"FROM {table} WHERE {where} ORDER BY r LIMIT %s", [*params, limit])
            return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]

    def similar_words(self, word, limit=40):
        pieces = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
        if not pieces:
            return []
        expression = " OR ".join(_fts5_string(p) for p in pieces)
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM knowledge_vocab WHERE knowledge_vocab MATCH %s ORDER BY rank LIMIT %s",
                           [expression, limit])
            return [row[0] for row in cursor.fetchall()]


class PostgresBackend:
    """A weighted tsvector (title A; summary and its grams B; body and its grams C; files D) with a
    GIN index; Japanese terms become phrases of bigrams; pg_trgm finds look-alike words."""

    vendor = "postgresql"

    def _alternative(self, text: str) -> tuple[str, list[str]]:
        parts, params = [], []
        for part in split_scripts(text):
            if is_cjk(part):
                parts.append("phraseto_tsquery('simple', %s)")
                params.append(" ".join(cjk_bigrams(part)))
            else:
                parts.append("phraseto_tsquery('simple', %s)" if " " in part else "plainto_tsquery('simple', %s)")
                params.append(part)
        if not parts:
            return "''::tsquery", []
        return "(" + " <-> ".join(parts) + ")" if len(parts) > 1 else parts[0], params

    def tsquery(self, terms: Sequence[Term], any_term: bool = False) -> tuple[str, list[str]]:
        clauses, params = [], []
        for term in terms:
            options = []
            for alternative in term.alternatives:
                sql, p = self._alternative(alternative)
                options.append(sql)
                params.extend(p)
            clauses.append("(" + " || ".join(options) + ")")
        return (" || " if any_term else " && ").join(clauses), params

    def fulltext(self, terms, *, any_term=False, ids=None, limit=1000):
        if not terms:
            return []
        expression, params = self.tsquery(terms, any_term)
        # the expression is made of fixed function calls; every value in it is a parameter
        sql = (f"SELECT product_id, ts_rank(document, q, 1) AS r FROM knowledge_searchdocument, "  # noqa: S608
               f"(SELECT {expression} AS q) AS query WHERE document @@ q")
        if ids is not None:
            sql += " AND product_id = ANY(%s)"
            params.append(list(ids))
        sql += " ORDER BY r DESC, product_id LIMIT %s"
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]

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
