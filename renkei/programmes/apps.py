from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "renkei.programmes"
    label = "programmes"
    verbose_name = _("Programmes and calls")

    def ready(self) -> None:
        from renkei.core import hooks
        from renkei.programmes import events, tasks

        hooks.register(events.CALL_DECIDED, tasks.call_decided)
