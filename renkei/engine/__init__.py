"""Renkei's matching engine: pure Python, numpy and scipy.

The purity contract (enforced by import-linter in CI): nothing here imports Django, ninja or any
other ``renkei`` package. The platform feeds the engine frozen dataclasses and stores what it
returns, so the maths can be tested, benchmarked and reasoned about without a database.
"""
