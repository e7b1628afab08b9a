from django.test import TestCase

from renkei.accounts.permissions import SYSTEM
from renkei.knowledge import services


def committed(call, *args, **kwargs):
    """Run a service and then what it queued for after the commit (the reindexing), as a request
    in production would; tests run inside a transaction that never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


def product(*, actor=SYSTEM, title="A product", summary="", body="", kind="case_study", status="published",
            files=(), **fields):
    """A product created through the service (so it is validated and indexed)."""
    data = {"kind": kind, "title": title if isinstance(title, dict) else {"en": title},
            "summary": summary if isinstance(summary, dict) else ({"en": summary} if summary else {}),
            "body": body if isinstance(body, dict) else ({"en": body} if body else {}), "status": status, **fields}
    return committed(services.product_create, actor=actor, data=data, files=list(files))
