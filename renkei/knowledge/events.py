"""What the library's services announce once a write is committed (``core/hooks.py``).

Each event's payload is named beside it. Handlers are registered in ``apps.py``.
"""

# a product's text, links, files or status changed (product_id): its search document is rebuilt
PRODUCT_CHANGED = "knowledge.product_changed"
# a product was deleted (product_id); its search document went with it
PRODUCT_DELETED = "knowledge.product_deleted"
# stored files no longer belong to any row (product_id, names): they are deleted from storage
PRODUCT_FILES_REMOVED = "knowledge.product_files_removed"
# a full rebuild of the search index was asked for (job_id)
INDEX_REBUILD_REQUESTED = "knowledge.index_rebuild_requested"
