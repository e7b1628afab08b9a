from typing import Annotated, Literal

import pytest
from django.utils import translation
from pydantic import AfterValidator, Field

from renkei.core.errors import ApplicationError, ErrorCollector
from renkei.core.inputs import Input, parse, reject_nul


class NeedIn(Input):
    theme: str
    priority: int = Field(3, ge=1, le=5)
    kind: Literal["need", "expertise"] = "need"
    description: Annotated[str, AfterValidator(reject_nul)] = Field("", max_length=20)


def test_parse_gives_the_model_and_knows_which_fields_were_given():
    need = parse(NeedIn, {"theme": "water", "priority": "4"})
    assert need.priority == 4
    assert need.given() == {"theme": "water", "priority": 4}


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ApplicationError) as caught:
        parse(NeedIn, {"priority": 9, "kind": "wish", "colour": "red", "description": "x" * 21})
    fields = caught.value.errors
    assert set(fields) == {"theme", "priority", "kind", "colour", "description"}
    assert fields["theme"] == ["is required"]
    assert fields["priority"] == ["must be at most 5"]
    assert fields["colour"] == ["is not a known field"]
    assert fields["description"] == ["must be at most 20 characters"]
    assert caught.value.message == "theme: is required"


class NoteIn(Input):
    note: str | None = Field(None, max_length=5)
    tags: list[str] = Field([], max_length=2)


def test_an_optional_text_that_is_too_long_counts_characters_a_list_items():
    with pytest.raises(ApplicationError) as caught:
        parse(NoteIn, {"note": "x" * 6, "tags": ["a", "b", "c"]})
    assert caught.value.errors == {"note": ["must be at most 5 characters"], "tags": ["must have at most 2 items"]}


class PilotIn(Input):
    note: NoteIn


def test_a_text_where_an_object_belongs_says_so_in_the_readers_language():
    with pytest.raises(ApplicationError) as caught:
        parse(PilotIn, {"note": "Night market"})
    assert caught.value.errors == {"note": ["must be an object"]}
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        parse(PilotIn, {"note": ["Night market"]})
    assert caught.value.errors == {"note": ["オブジェクトで入力してください"]}


def test_nul_characters_are_refused_with_a_message():
    with pytest.raises(ApplicationError) as caught:
        parse(NeedIn, {"theme": "water", "description": "a\x00b"})
    assert caught.value.errors == {"description": ["must not contain NUL characters"]}


def test_messages_follow_the_readers_language():
    with translation.override("ja"), pytest.raises(ApplicationError) as caught:
        parse(NeedIn, {"priority": "many"})
    assert caught.value.errors["theme"] == ["必須です"]
    assert caught.value.errors["priority"] == ["整数で入力してください"]


def test_prefix_names_nested_rows():
    with pytest.raises(ApplicationError) as caught:
        parse(NeedIn, {"priority": 0, "theme": "x"}, prefix="needs.2.")
    assert caught.value.errors == {"needs.2.priority": ["must be at least 1"]}


def test_error_collector_raises_everything_it_found():
    errors = ErrorCollector()
    errors.raise_if_any()  # nothing found, nothing raised
    errors.add("name", "is required")
    errors.absorb(ApplicationError("bad", errors={"theme": ["unknown"]}), prefix="needs.0.")
    with pytest.raises(ApplicationError) as caught:
        errors.raise_if_any()
    assert caught.value.errors == {"name": ["is required"], "needs.0.theme": ["unknown"]}
    assert caught.value.message == "name: is required"


def test_a_moment_is_within_two_centuries_and_a_real_offset():
    from datetime import datetime

    from renkei.core.inputs import Moment

    class When(Input):
        at: Moment

    assert parse(When, {"at": "2026-12-06T09:00+09:00"}).at == datetime.fromisoformat("2026-12-06T09:00+09:00")
    for bad in ("0180-01-28T07:38:22-21:01", "2026-12-06T09:00-21:01", "9999-01-01T00:00Z"):
        with pytest.raises(ApplicationError) as caught:
            parse(When, {"at": bad})
        assert "at" in caught.value.errors
