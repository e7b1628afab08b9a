"""Who may do what with results and evaluations.

- Results (the framework, its indicators, targets, actuals) and adoptions: whoever manages the
  partnership (administrators, programme officers, the focal points of its members).
- Evaluations: officers and administrators plan them, assign evaluators and publish them; an
  external evaluation is scored by the evaluators assigned to it, a self-evaluation by the
  partnership's focal points; nobody else scores.
- Reading: officers and administrators see every evaluation; evaluators those assigned to them; the
  partnership's focal points its self-evaluations; everyone the published ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkei.accounts.models import Role
from renkei.accounts.permissions import has_role, represented_place_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User
    from renkei.evaluation.models import Evaluation
    from renkei.partnerships.models import Partnership

OFFICERS = (Role.ADMINISTRATOR, Role.PROGRAMME_OFFICER)


def can_enter_results(user: User | AnonymousUser, partnership: Partnership) -> bool:
    from renkei.partnerships.services import can_manage

    return can_manage(user, partnership)


def can_plan_evaluations(user: User | AnonymousUser) -> bool:
    return has_role(user, *OFFICERS)


def is_focal_point_of(user: User | AnonymousUser, partnership: Partnership) -> bool:
    """A focal point of one of the partnership's members (by the places they act for, or named)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None) or not partnership.pk:
        return False
    places = represented_place_ids(user)
    return partnership.members.filter(place_id__in=places).exists() or partnership.members.filter(
        focal_points=user.pk).exists()


def can_score(user: User | AnonymousUser, evaluation: Evaluation) -> bool:
    if evaluation.mode == evaluation.Mode.SELF:
        return is_focal_point_of(user, evaluation.partnership)
    return (has_role(user, Role.EVALUATOR)
            and evaluation.evaluators.filter(pk=getattr(user, "pk", None)).exists())


def can_see_unpublished(user: User | AnonymousUser, evaluation: Evaluation) -> bool:
    if has_role(user, *OFFICERS):
        return True
    return can_score(user, evaluation)
