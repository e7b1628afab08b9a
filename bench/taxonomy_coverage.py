"""How many real city texts the taxonomy gives a correct theme, as `renkei import profiles` tags them.

The corpus is renkei/data/corpus/city_texts.jsonl: short needs and expertise texts of real cities in
English and Japanese, each labelled with the theme code(s) it is about. Every text goes through the
import's tagger (renkei.places.profiles.Tagger: synonyms and theme names, plus the multilingual
encoder; at most two themes per text) over the shipped taxonomy (renkei/data/taxonomy/themes.json);
a text counts as correct when one of the themes it is tagged with is one of its labels.

The corpus is split once and for all: every third line (t003, t006, …) is held out. Synonyms were
added while looking at the tagger's misses on the other lines only (`--misses` prints those);
`held_out` reports the rest. Figures for the synonyms-only tagger (no encoder) show how much the
encoder adds.

    .venv/bin/python bench/taxonomy_coverage.py [--misses] [--taxonomy PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")

CORPUS = ROOT / "renkei" / "data" / "corpus" / "city_texts.jsonl"


def read_corpus(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def held_out(row: dict) -> bool:
    return int(row["id"][1:]) % 3 == 0


def _nodes(rows: list[dict]):
    from renkei.engine.types import ThemeNode

    # as Tagger.from_database builds them (ids in file order, like a freshly loaded database)
    ids = {row["code"]: n for n, row in enumerate(rows, 1)}
    return [ThemeNode(id=ids[r["code"]], code=r["code"], parent_id=ids.get(r["parent"]) if r["parent"] else None,
                      name_en=r["name_en"], name_ja=r["name_ja"], synonyms_en=tuple(r["synonyms_en"]),
                      synonyms_ja=tuple(r["synonyms_ja"])) for r in rows]


def _share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def evaluate(corpus: list[dict], taxonomy: list[dict], tagger) -> dict:
    codes = {n: row["code"] for n, row in enumerate(taxonomy, 1)}
    family = {row["code"]: row["parent"] or row["code"] for row in taxonomy}
    result = {}
    misses = []
    for part, rows in (("development", [r for r in corpus if not held_out(r)]),
                       ("held_out", [r for r in corpus if held_out(r)])):
        overall, by_lang, by_family, untagged = [], defaultdict(list), defaultdict(list), 0
        for row in rows:
            tags = [codes[tid] for tid, _c in tagger(row["text"])]
            hit = bool(set(tags) & set(row["themes"]))
            untagged += not tags
            overall.append(hit)
            by_lang[row["lang"]].append(hit)
            by_family[family.get(row["themes"][0], "(not in the taxonomy)")].append(hit)
            if not hit and part == "development":
                misses.append({"id": row["id"], "text": row["text"], "labels": row["themes"], "tagged": tags})
        result[part] = {
            "texts": len(rows), "correct": _share(overall), "untagged": untagged,
            "by_language": {lang: {"texts": len(h), "correct": _share(h)} for lang, h in sorted(by_lang.items())},
            "by_family": {fam: {"texts": len(h), "correct": _share(h)} for fam, h in sorted(by_family.items())},
        }
    return {"result": result, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "renkei" / "data" / "taxonomy" / "themes.json")
    parser.add_argument("--misses", action="store_true", help="list the development texts the tagger gets wrong")
    args = parser.parse_args()
    import django

    django.setup()
    from renkei.engine.embedding import UsemEmbedder
    from renkei.engine.tagging import theme_embeddings
    from renkei.places.profiles import Tagger

    taxonomy = json.loads(args.taxonomy.read_text(encoding="utf-8"))
    corpus = read_corpus()
    nodes = _nodes(taxonomy)
    out = {"corpus": {"texts": len(corpus), "languages": dict(sorted(
        (lang, sum(r["lang"] == lang for r in corpus)) for lang in {r["lang"] for r in corpus})),
        "cities": len({r["city"] for r in corpus}), "themes_in_labels": len({t for r in corpus for t in r["themes"]}),
        "taxonomy_themes": len(taxonomy)}}
    synonyms_only = evaluate(corpus, taxonomy, Tagger(nodes))
    embedder = UsemEmbedder()
    semantic = evaluate(corpus, taxonomy, Tagger(nodes, embedder, theme_embeddings(nodes, embedder)))
    out["synonyms_only"] = synonyms_only["result"]
    out["semantic"] = semantic["result"]
    if args.misses:
        out["misses_semantic"] = semantic["misses"]
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
