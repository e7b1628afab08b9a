"""One error type for the whole application.

Services raise :class:`ApplicationError` (or a subclass); the API turns it into the single JSON
error format, HTML views into form errors, and commands into a message on stderr.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """Bad input or an illegal step, reported to the user, never a 500."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: dict[str, list[str]] = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = [message]

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.errors}}


class NotAllowed(ApplicationError):
    status = 403
    code = "forbidden"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
