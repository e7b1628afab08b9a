"""The two full-text backends behind one interface: SQLite FTS5 (trigram tokenizer) and
PostgreSQL full text (a generated, weighted tsvector) with pg_trgm for typo tolerance.

Both answer the same two questions: which products match these terms, best first, with a score
(higher is better); and which vocabulary words look like this misspelt word. The tables they
query are made by migration 0002 and kept in step with ``SearchDocument`` by the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol

from django.db import connection

from renkei.knowledge.search.analysis import Term, cjk_bigrams, is_cjk, split_scripts


class Backend(Protocol):
    vendor: str

    def fulltext(self, terms: Sequence[Term], *, any_term: bool = False, ids: Sequence[int] | None = None,
                 limit: int = 1000) -> list[tuple[int, float]]: ...

    def similar_words(self, word: str, limit: int = 40) -> list[str]: ...


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class SQLiteBackend:
    """FTS5 with the trigram tokenizer. A term of three characters or more is a substring phrase
    over every column; shorter ones (津波, EV) are looked up in the grams columns."""

    vendor = "sqlite"
    #: bm25 weights of title, summary, body, files, grams_head, grams_body
    WEIGHTS = (10.0, 5.0, 1.0, 0.5, 5.0, 1.0)

    def match_expression(self, terms: Sequence[Term], any_term: bool = False) -> str:
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

    def fulltext(self, terms, *, any_term=False, ids=None, limit=1000):
        if not terms:
            return []
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        sql = f"SELECT rowid, bm25(knowledge_fts, {weights}) AS r FROM knowledge_fts WHERE knowledge_fts MATCH %s"  # noqa: S608 - constants only
        params: list = [self.match_expression(terms, any_term)]
        if ids is not None:
            # "+rowid": a filter on the matches, not a look-up per id (FTS5 would run the MATCH once
            # for every id in the list)
            sql += " AND +rowid IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps(list(ids)))
        sql += " ORDER BY r LIMIT %s"
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
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
