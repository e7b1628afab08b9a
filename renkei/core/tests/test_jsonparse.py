"""JSON people send is read without a traceback: what json.loads would fail on otherwise is a
JSONDecodeError with its line and column."""

import json

import pytest

from renkei.core.jsonparse import MAX_DEPTH, loads


def refused(text) -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as caught:
        loads(text)
    return caught.value


def test_ordinary_documents_read_as_with_json_loads():
    text = '{"a": [1, 2.5, "[{x", {"b": null}], "c": "\\"]]]", "d": true}'
    assert loads(text) == json.loads(text)
    assert loads(text.encode("utf-8")) == json.loads(text)
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) == json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)


def test_nesting_deeper_than_the_limit_is_refused_where_it_happens():
    line = '  {"name": "x", "deep": '
    error = refused("[\n" + line + "[" * 100_000 + "]" * 100_000 + "}\n]")
    assert error.msg == f"lists and objects are nested more than {MAX_DEPTH} deep"
    # the list and the object are two levels; the 101st is the 99th "[" of the line
    assert (error.lineno, error.colno) == (2, len(line) + MAX_DEPTH - 2 + 1)
    error = refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (error.lineno, error.colno) == (1, MAX_DEPTH + 1)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"text": "[" * 1000 + "{" * 1000 + '\\"['})
    assert loads(text) == json.loads(text)


def test_an_integer_too_long_to_convert_is_refused_where_it_stands():
    error = refused('[{"id": "' + "1" * 5000 + '",\n  "population": ' + "9" * 4400 + "}]")
    assert error.msg == "a number has more than 4,300 digits"
    assert (error.lineno, error.colno) == (2, 17)


def test_syntax_errors_are_json_loads_own():
    error = refused('{"a": 1,}')
    assert error.msg == "Expecting property name enclosed in double quotes" and error.colno == 9
