from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """Presentation helpers every app's pages share: the world map, generic template filters, the
    template context, putting service errors onto form fields. Imports only core and accounts."""

    name = "renkei.ui"
    label = "ui"
    verbose_name = _("User interface")
