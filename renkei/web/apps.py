from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "renkei.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from renkei.core import hooks
        from renkei.places.events import PROFILE_CHANGED

        hooks.register(PROFILE_CHANGED, page_parts_changed)


def page_parts_changed(**payload) -> None:
    """A place changed: this process checks the data of its cached page parts at once (the other
    processes within RENKEI_INDEX_CHECK_SECONDS)."""
    from renkei.core.cache import expire_prefix
    from renkei.web.views import PAGE_CACHE

    expire_prefix(PAGE_CACHE)
