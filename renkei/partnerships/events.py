"""Events the partnership services emit after their transaction commits (``renkei.core.hooks``).

Each carries ``partnership_id``; apps that need to follow a partnership register a handler for
it in their ``AppConfig.ready`` (a handler queues a task, it does not do the work)."""

PARTNERSHIP_CREATED = "partnerships.created"
PARTNERSHIP_CHANGED = "partnerships.changed"  # also carries ``fields``: the names written
STATUS_CHANGED = "partnerships.status_changed"  # also carries ``from_status`` and ``to_status``
AGREEMENT_ADDED = "partnerships.agreement_added"  # also carries ``agreement_id``
PLAN_CHANGED = "partnerships.plan_changed"  # an action or a pilot was added
