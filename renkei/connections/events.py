"""Events the connected-population services emit after their transaction commits (``renkei.core.hooks``).

Each carries ``place_id``; an erasure carries no more than that (the person is gone)."""

PEOPLE_CHANGED = "connections.people_changed"  # people added, edited, imported, withdrawn or erased
