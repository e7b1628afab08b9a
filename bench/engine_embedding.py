"""Embedding throughput of the multilingual encoder for a full rebuild (texts per second). JSON."""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from renkei.engine.embedding import UsemEmbedder  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "renkei" / "data" / "demo" / "demo.json"


def texts() -> list[str]:
    demo = json.loads(DEMO.read_text())
    out = []
    for place in demo["places"]:
        for item in place.get("needs", []) + place.get("expertise", []):
            out.extend(v for v in item["description"].values() if v)
    return out


def main() -> None:
    sample = texts()
    sample = (sample * (400 // len(sample) + 1))[:400]
    embedder = UsemEmbedder()
    t = time.perf_counter()
    embedder.encode(sample[:1])
    load_s = time.perf_counter() - t
    out = {"texts": len(sample), "model_load_s": round(load_s, 2), "batches": {}}
    for batch in (1, 16, 64):
        embedder.batch_size = batch
        t = time.perf_counter()
        embedder.encode(sample)
        seconds = time.perf_counter() - t
        out["batches"][str(batch)] = {"seconds": round(seconds, 2), "texts_per_s": round(len(sample) / seconds, 1)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
