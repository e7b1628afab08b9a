from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "renkei.networks"
    label = "networks"
    verbose_name = _("Intercity networks")

    def ready(self):
        from renkei.core import hooks
        from renkei.networks import events, tasks

        hooks.register(events.REMINDERS_REQUESTED, tasks.reminders_requested)
