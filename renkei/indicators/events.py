"""Events the indicator services emit after their transaction commits (``renkei.core.hooks``)."""

INDICATOR_CHANGED = "indicators.indicator_changed"  # carries ``indicator_id``
VALUES_CHANGED = "indicators.values_changed"  # carries ``place_ids`` and ``indicator_ids``
