from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "renkei.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from renkei.core.hooks import register
        from renkei.places.events import PROFILE_CHANGED
        from renkei.ui.pagecache import parts_changed, set_visitor_signature
        from renkei.web.visitors import visitor_signature

        register(PROFILE_CHANGED, parts_changed)  # cached page parts show the places' data
        set_visitor_signature(visitor_signature)
