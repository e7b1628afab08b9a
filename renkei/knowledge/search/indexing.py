"""Keeping the search index in step with the library: one product after each change (a background
task enqueued by the services), or everything at once (``renkei reindex``, the rebuild page).

The text columns are normalised here; the database builds its full-text index from them (see
migration 0002). The embedding is computed only when the embedded text or the model changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction
from django.utils import timezone

from renkei.engine.embedding import Embedder, normalise, pool, text_key
from renkei.knowledge.models import Product, SearchDocument, SearchTerm
from renkei.knowledge.search.analysis import grams, spaced_scripts, vocabulary
from renkei.knowledge.search.analysis import normalise as norm_text
from renkei.knowledge.text import markdown_text

MAX_FILE_TEXT = 200_000  # characters of extracted file text that go into the index
BATCH = 256


def encoder() -> tuple[str, Embedder]:
    """The multilingual sentence encoder the matching uses (loaded once per process)."""
    from renkei.matching.fetch import shared_model

    return shared_model()


def encoder_name() -> str:
    """The configured encoder's name, without loading it."""
    from renkei.matching.fetch import base_embedder

    return base_embedder()[0]


def embedding_texts(product: Product) -> list[str]:
    """What the vector is made of: per language, the title with the summary (or, without a
    summary, the start of the body). The encoder is multilingual, so the languages agree."""
    texts = []
    for language in dict.fromkeys([*product.title, *product.summary, *product.body]):
        title = product.title.get(language, "")
        rest = product.summary.get(language, "") or markdown_text(product.body.get(language, ""))[:500]
        text = ". ".join(x.strip() for x in (title, rest) if x and x.strip())
        if text:
            texts.append(text)
    return texts


def stored_text(text: str) -> str:
    """A text column as the full-text indexes read it: normalised, a space where scripts meet."""
    return spaced_scripts(norm_text(text))


def document_columns(product: Product) -> dict[str, str]:
    title = " ".join(v for v in product.title.values() if v)
    summary = " ".join(v for v in product.summary.values() if v)
    body = " ".join(markdown_text(v) for v in product.body.values() if v)
    files = " ".join(f.text for f in product.files.all() if f.text)[:MAX_FILE_TEXT]
    return {
        "title": stored_text(title), "summary": stored_text(summary), "body": stored_text(body),
        "files": stored_text(files),
        "grams_head": grams(f"{title} {summary}"), "grams_body": grams(f"{body} {files}"),
    }


def _products(ids: Iterable[int] | None):
    qs = Product.objects.prefetch_related("files").order_by("pk")
    return qs if ids is None else qs.filter(pk__in=list(ids))


def index_products(ids: Iterable[int] | None = None, *, progress: Callable[[int], None] | None = None,
                   batch: int = BATCH) -> int:
    """(Re)index these products (all when ``ids`` is None); returns how many were written.
    ``progress(n)`` is called after each batch with the number just done."""
    model, embedder = encoder()
    done = 0
    pks = list(_products(ids).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        chunk = pks[start : start + batch]
        done += _index_batch(list(_products(chunk)), model, embedder)
        if progress is not None:
            progress(len(chunk))
    return done


def _index_batch(products: list[Product], model: str, embedder: Embedder) -> int:
    existing = {d["product_id"]: d for d in SearchDocument.objects.filter(product__in=products).values(
        "product_id", "text_key", "model", "vector")}
    rows, words, to_embed = [], set(), []
    now = timezone.now()
    for product in products:
        columns = document_columns(product)
        texts = embedding_texts(product)
        key = text_key("\n".join(texts))
        old = existing.get(product.pk)
        vector = bytes(old["vector"]) if old and old["text_key"] == key and old["model"] == model else None
        row = SearchDocument(product_id=product.pk, text_key=key, model=model, vector=vector or b"",
                             indexed_at=now, **columns)
        if vector is None:
            to_embed.append((row, texts))
        rows.append(row)
        words |= vocabulary(" ".join(columns[c] for c in ("title", "summary", "body", "files")))
    flat = [t for _row, texts in to_embed for t in texts]
    if flat:
        vectors = normalise(embedder.encode(flat))
        offset = 0
        for row, texts in to_embed:
            part = vectors[offset : offset + len(texts)]
            offset += len(texts)
            row.vector = pool(part).astype(np.float32).tobytes()
    for row, texts in to_embed:
        if not texts:
            row.vector = np.zeros(embedder.dim, dtype=np.float32).tobytes()
    with transaction.atomic():
        # a product deleted while it was read and embedded gets no document (its row would point at
        # nothing); those still there are locked, so none can go before the documents are written
        alive = set(Product.objects.select_for_update().filter(pk__in=[row.product_id for row in rows])
                    .values_list("pk", flat=True))
        rows = [row for row in rows if row.product_id in alive]
        SearchDocument.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["product"],
            update_fields=["title", "summary", "body", "files", "grams_head", "grams_body", "text_key", "model",
                           "vector", "indexed_at"])
        SearchTerm.objects.bulk_create([SearchTerm(term=w) for w in sorted(words)], ignore_conflicts=True,
                                       batch_size=500)
    return len(rows)


def index_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Everything again: the vocabulary is rebuilt from scratch, documents of deleted products go."""
    with transaction.atomic():
        SearchDocument.objects.exclude(product__in=Product.objects.all()).delete()
        SearchTerm.objects.all().delete()
    return index_products(None, progress=progress)


def documents_missing() -> int:
    """Products with no search document (never indexed, or the index was lost)."""
    return Product.objects.filter(search__isnull=True).count()
