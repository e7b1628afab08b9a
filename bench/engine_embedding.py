"""Embedding throughput of the multilingual encoder (texts per second), for a full rebuild. JSON.

    .venv/bin/python bench/engine_embedding.py [--texts 400] [--threads N]

Uses the demo's need and expertise descriptions, English and Japanese (a few hundred sentences),
encoded by ``UsemEmbedder`` at several batch sizes; then the same texts through the content cache
(what a rebuild costs when no text changed), and a full index build of the demo's cities.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEMO = Path(__file__).resolve().parent.parent / "renkei" / "data" / "demo" / "demo.json"


def texts() -> tuple[list[str], list[str]]:
    demo = json.loads(DEMO.read_text())
    english, japanese = [], []
    for place in demo["places"]:
        for item in place.get("needs", []) + place.get("expertise", []):
            description = item.get("description") or {}
            if description.get("en"):
                english.append(description["en"])
            if description.get("ja"):
                japanese.append(description["ja"])
    return english, japanese


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)

    from renkei.engine.embedding import CachedEmbedder, UsemEmbedder

    english, japanese = texts()
    mixed = [t for pair in zip(english, japanese, strict=False) for t in pair] + english[len(japanese):]
    sample = (mixed * (args.texts // len(mixed) + 1))[: args.texts]
    embedder = UsemEmbedder()
    t = time.perf_counter()
    embedder.encode(sample[:1])
    out = {"texts": len(sample), "english": sum(1 for s in sample if s.isascii()),
           "mean_characters": round(sum(map(len, sample)) / len(sample)),
           "model_load_s": round(time.perf_counter() - t, 2), "batch_size": {}}
    for batch in (1, 8, 16, 32, 64, 128):
        embedder.batch_size = batch
        t = time.perf_counter()
        embedder.encode(sample)
        seconds = time.perf_counter() - t
        out["batch_size"][str(batch)] = {"seconds": round(seconds, 2), "texts_per_s": round(len(sample) / seconds)}
    embedder.batch_size = 32
    cached = CachedEmbedder(embedder)
    cached.encode(sample)
    t = time.perf_counter()
    cached.encode(sample)
    out["cached_texts_per_s"] = round(len(sample) / (time.perf_counter() - t))
    pairs = embedder.encode(english[:50] + japanese[:50])
    same = float((pairs[:50] * pairs[50:]).sum(axis=1).mean())
    other = float((pairs[:50] * pairs[50:][::-1]).sum(axis=1).mean())
    out["english_japanese_cosine"] = {"translations": round(same, 3), "unrelated": round(other, 3)}

    from renkei.engine.index import MatchIndex
    from renkei.engine.tests.fixtures import demo_profiles, taxonomy

    space, _ = taxonomy()
    t = time.perf_counter()
    index = MatchIndex(space, demo_profiles(), embedder=UsemEmbedder())
    out["demo_index_build_with_encoder_s"] = {"places": len(index), "seconds": round(time.perf_counter() - t, 2)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
