"""Background work of the connected population: the retention rules, run daily by the worker."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def apply_retention() -> int:
    """Erase, place by place, the people kept longer than the place's retention rule allows."""
    from renkei.connections.models import RetentionRule
    from renkei.connections.services import retention_apply

    erased = 0
    for rule in RetentionRule.objects.select_related("place"):
        erased += retention_apply(place=rule.place)
    log.info("retention: %s connected people erased", erased)
    return erased
