from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def place_profile_changed(place_id: int) -> None:
    """A place's profile changed (committed): embed its new texts in the background."""
    from renkei.matching.tasks import refresh_place_embeddings

    refresh_place_embeddings.enqueue(place_id)


def place_index_changed(place_id: int) -> None:
    """…and this process's matching index applies the change at its next use, without a rebuild."""
    from renkei.matching.fetch import index_place_changed

    index_place_changed(place_id)


class MatchingConfig(AppConfig):
    name = "renkei.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from renkei.core import hooks
        from renkei.places.events import PROFILE_CHANGED

        hooks.register(PROFILE_CHANGED, place_profile_changed)
        hooks.register(PROFILE_CHANGED, place_index_changed)
