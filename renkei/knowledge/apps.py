from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "renkei.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge library")

    def ready(self) -> None:
        from renkei.core import hooks
        from renkei.knowledge import events, handlers

        hooks.register(events.PRODUCT_CHANGED, handlers.reindex_product)
        hooks.register(events.PRODUCT_FILES_REMOVED, handlers.forget_files)
        hooks.register(events.INDEX_REBUILD_REQUESTED, handlers.rebuild_index)
