"""Renkei's matching engine: pure Python, numpy and scipy.

The purity contract (enforced by import-linter in CI): nothing here imports Django, ninja or any
other ``renkei`` package. The platform feeds the engine frozen dataclasses and stores what it
returns, so the maths can be tested, benchmarked and reasoned about without a database.
"""

# The public interface, importable from ``renkei.engine`` (loaded lazily: importing a submodule
# such as ``renkei.engine.types`` does not load numpy's heavier users).
_EXPORTS = {
    "renkei.engine.types": ("COMPONENTS", "DEFAULT_PRESET", "PRESETS", "EngineError", "Explanation", "Filters",
                            "MatchResult", "PlaceProfile", "Statement", "ThemeNode", "UnknownPlace", "Weights",
                            "resolve_weights"),
    "renkei.engine.themes": ("ThemeSpace",),
    "renkei.engine.index": ("Block", "Coverage", "Index", "MatchIndex"),
    "renkei.engine.api": ("CohortPair", "CohortResult", "own_gain", "pair", "pair_cohort", "weights_for"),
    "renkei.engine.pairing": ("Pair", "pair_greedy", "pair_optimal", "pair_stable"),
    "renkei.engine.embedding": ("CachedEmbedder", "Embedder", "HashingEmbedder", "UsemEmbedder", "mean_embedding",
                                "text_key"),
    "renkei.engine.tagging": ("tag_text", "theme_embeddings"),
    "renkei.engine.explain": ("explain",),
}
__all__ = [name for names in _EXPORTS.values() for name in names]


def __getattr__(name: str):
    for module, names in _EXPORTS.items():
        if name in names:
            import importlib

            return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module 'renkei.engine' has no attribute {name!r}")
