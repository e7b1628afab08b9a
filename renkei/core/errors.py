"""One error type for the whole application, and one way to collect its messages.

Services raise :class:`ApplicationError` (or a subclass); the API turns it into the single JSON
error format, HTML views put its ``errors`` onto the form's fields, and commands print it with
the row's line number. Validation that finds several problems collects them in an
:class:`ErrorCollector` and raises them together, so a person sees every mistake at once.
Every message is written for people and goes through gettext.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from django.utils.functional import Promise


class ApplicationError(Exception):
    """Bad input or an illegal step, reported to the user, never a 500."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: dict[str, list[str]] = {key: [str(m) for m in value] for key, value in (errors or {}).items()}
        if field and field not in self.errors:
            self.errors[field] = [message]

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.errors}}

    def prefixed(self, prefix: str) -> ApplicationError:
        """The same error with every field named under ``prefix`` (``needs.0.theme``)."""
        errors = {f"{prefix}.{key}" if key else prefix: value for key, value in self.errors.items()}
        return type(self)(self.message, errors=errors)


class NotAllowed(ApplicationError):
    status = 403
    code = "forbidden"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class PreconditionFailed(ApplicationError):
    """The client's copy is stale (an ``If-Match`` or form version that no longer matches)."""

    status = 412
    code = "precondition_failed"


class ErrorCollector(dict):
    """field → messages, in the order found; ``raise_if_any`` raises them as one ApplicationError
    whose message names the first field (``"slug: is taken"``)."""

    def add(self, field: str, message: str | Promise) -> None:
        self.setdefault(field, []).append(str(message))

    def extend(self, errors: dict[str, Iterable[str]], *, prefix: str = "") -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(f"{prefix}{field}" if field else prefix.rstrip("."), message)

    def absorb(self, exc: ApplicationError, *, prefix: str = "") -> None:
        """Add an error raised by a nested check (say one need of a place) under ``prefix``."""
        if exc.errors:
            self.extend(exc.errors, prefix=prefix)
        else:
            self.add(prefix.rstrip(".") or "", exc.message)

    @contextlib.contextmanager
    def collecting(self, *, prefix: str = "") -> Iterator[None]:
        """Run a check whose ApplicationError is added here (under ``prefix``) instead of raised."""
        try:
            yield
        except ApplicationError as exc:
            self.absorb(exc, prefix=prefix)

    def error(self, cls: type[ApplicationError] = ApplicationError) -> ApplicationError:
        field, messages = next(iter(self.items()))
        message = f"{field}: {messages[0]}" if field else messages[0]
        return cls(message, errors={key: list(value) for key, value in self.items()})

    def raise_if_any(self, cls: type[ApplicationError] = ApplicationError) -> None:
        if self:
            raise self.error(cls)
