"""Typed service inputs: pydantic models shared by the API schemas, the forms and the importers.

A service takes a typed input (``PlaceIn``, ``NeedIn`` …) rather than a ``dict``. Callers build
it with :func:`parse`, which turns pydantic's complaints into one :class:`ApplicationError`
naming every field, in the reader's language — so an API body, a form and a line of an import
file fail with the same message. django-ninja's ``Schema`` is a pydantic model, so an API
schema can be the service input itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic import ValidationError as PydanticError

from renkei.core.errors import ApplicationError, ErrorCollector

T = TypeVar("T", bound=BaseModel)

_WRAPPERS = {"body", "query", "path", "payload", "file", "form", "[key]", "function-after", "function-before",
             "function-wrap", "lax-or-strict", "json-or-python"}


class Input(BaseModel):
    """Base of service inputs: unknown keys are refused (a misspelt field is an error, not a no-op),
    and the fields a caller did not give are known (``model_fields_set``), so updates write only them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def given(self) -> dict[str, Any]:
        """The fields the caller gave, with their values (for partial updates)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def message(error: Mapping[str, Any]) -> str:
    """One pydantic error in the reader's language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "too_long" and (isinstance(error.get("input"), str) or ctx.get("field_type") == "Value"):
        # a limit on an optional text (``str | None``) is checked after the union: pydantic names neither a list
        # nor a dictionary then ("Value"), and the limit counts characters
        kind = "string_too_long"
    known = {
        "missing": _("is required"),
        "extra_forbidden": _("is not a known field"),
        "string_too_long": _("must be at most %(n)s characters") % {"n": ctx.get("max_length")},
        "string_too_short": _("must be at least %(n)s characters") % {"n": ctx.get("min_length")},
        "too_long": _("must have at most %(n)s items") % {"n": ctx.get("max_length")},
        "int_parsing": _("must be a whole number"),
        "int_from_float": _("must be a whole number"),
        "int_type": _("must be a whole number"),
        "float_parsing": _("must be a number"),
        "float_type": _("must be a number"),
        "decimal_parsing": _("must be a number"),
        "decimal_type": _("must be a number"),
        "decimal_max_digits": _("must have at most %(n)s digits") % {"n": ctx.get("max_digits")},
        "decimal_max_places": _("must have at most %(n)s decimal places") % {"n": ctx.get("decimal_places")},
        "decimal_whole_digits": _("must have at most %(n)s digits before the decimal point")
        % {"n": ctx.get("whole_digits")},
        "finite_number": _("must be a finite number"),
        "bool_parsing": _("must be true or false"),
        "bool_type": _("must be true or false"),
        "string_type": _("must be text"),
        "list_type": _("must be a list"),
        "dict_type": _("must be an object"),
        "model_type": _("must be an object"),
        "model_attributes_type": _("must be an object"),
        "date_from_datetime_parsing": _("use a date like 2016-11-03"),
        "date_parsing": _("use a date like 2016-11-03"),
        "date_type": _("use a date like 2016-11-03"),
        "datetime_parsing": _("use a date and time like 2016-11-03T09:30"),
        "datetime_from_date_parsing": _("use a date and time like 2016-11-03T09:30"),
        "greater_than_equal": _("must be at least %(n)s") % {"n": ctx.get("ge")},
        "greater_than": _("must be more than %(n)s") % {"n": ctx.get("gt")},
        "less_than_equal": _("must be at most %(n)s") % {"n": ctx.get("le")},
        "less_than": _("must be less than %(n)s") % {"n": ctx.get("lt")},
        "literal_error": _("choose one of: %(values)s") % {"values": ctx.get("expected", "")},
        "enum": _("choose one of: %(values)s") % {"values": ctx.get("expected", "")},
        "string_pattern_mismatch": _("is not in the expected form"),
        "url_parsing": _("must be a web address starting with http:// or https://"),
        "url_scheme": _("must be a web address starting with http:// or https://"),
        "json_invalid": _("is not valid JSON"),
    }
    if kind in known:
        return known[kind]
    if kind == "value_error":  # a validator's own message, already written for people
        return str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg") or _("is not valid"))


def field_name(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    if len(loc) > 1 and loc[0] == "file":  # the API's files: ("file", <the parameter's name>, …)
        return ".".join(part for part in loc[1:] if part == "file" or part not in _WRAPPERS)
    return ".".join(part for part in loc if part not in _WRAPPERS)


def collect(exc: PydanticError, errors: ErrorCollector | None = None, *, prefix: str = "") -> ErrorCollector:
    errors = ErrorCollector() if errors is None else errors
    for item in exc.errors():
        name = field_name(item)
        errors.add(f"{prefix}{name}" if name else (prefix.rstrip(".") or "body"), message(item))
    return errors


def parse(model: type[T], data: Mapping[str, Any] | BaseModel, *, prefix: str = "") -> T:
    """``data`` as a ``model``, or an ApplicationError naming every bad field."""
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    try:
        return model.model_validate(dict(data))
    except PydanticError as exc:
        raise collect(exc, prefix=prefix).error() from None


def reject_nul(value: Any) -> Any:
    """Text with a NUL character is refused (PostgreSQL cannot store it)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("must not contain NUL characters"))
    return value


def required(value: Any) -> Any:
    """An empty value is refused ("is required"); use as ``Annotated[str, AfterValidator(required)]``."""
    if not value:
        raise ValueError(_("is required"))
    return value


def site_language(value: Any) -> Any:
    """A key of a text-per-language object is a language the site holds texts in (``settings.LANGUAGES``):
    a text under another key would be stored and never shown. Use as the key type of such a ``dict``."""
    from django.conf import settings

    if value not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(_("is not a known field"))
    return value


SiteLanguage = Annotated[str, AfterValidator(site_language)]


def reasonable_moment(value: Any) -> Any:
    """A date and time between the years 1900 and 2200 whose offset, if any, is a real one (−12:00 to
    +14:00): anything else is a typing mistake, and some of it no database can store."""
    if isinstance(value, datetime):
        if not 1900 <= value.year <= 2200:
            raise ValueError(_("must be between the years 1900 and 2200"))
        offset = value.utcoffset()
        if offset is not None and not timedelta(hours=-12) <= offset <= timedelta(hours=14):
            raise ValueError(_("has a time-zone offset no place uses (from -12:00 to +14:00)"))
    return value


Moment = Annotated[datetime, AfterValidator(reasonable_moment)]

__all__ = ["ApplicationError", "ErrorCollector", "Input", "Moment", "collect", "message", "parse", "reasonable_moment",
           "reject_nul"]
