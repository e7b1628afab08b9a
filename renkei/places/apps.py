from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "renkei.places"
    label = "places"
    verbose_name = _("Places and themes")

    def ready(self) -> None:
        from renkei.core import hooks
        from renkei.places.events import PROFILE_CHANGED
        from renkei.ui.pagecache import parts_changed

        hooks.register(PROFILE_CHANGED, parts_changed)
