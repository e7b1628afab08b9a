"""Events the results and evaluation services emit after their transaction commits (``renkei.core.hooks``)."""

RESULTS_CHANGED = "evaluation.results_changed"  # carries ``partnership_id``
EVALUATION_CHANGED = "evaluation.evaluation_changed"  # carries ``evaluation_id`` and ``partnership_id``
