"""Text cells a spreadsheet would run as formulas get a leading quote, and lose exactly that quote again."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.spreadsheets import FORMULA_START, escape_formula, unescape_formula


@pytest.mark.parametrize(("text", "cell"), [
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+81 3", "'+81 3"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("'=1", "''=1"), ("''-1", "'''-1"),
    ("Kamaishi", "Kamaishi"), ("a=b", "a=b"), ("'quoted'", "'quoted'"), ("", ""), ("釜石市", "釜石市"),
])
def test_formulas_get_a_quote_and_other_texts_stay(text, cell):
    assert escape_formula(text) == cell
    assert unescape_formula(cell) == text


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", " ", "1"])) | st.text())
def test_any_text_survives_the_round_trip_and_never_starts_a_formula(text):
    cell = escape_formula(text)
    assert not cell.startswith(FORMULA_START)
    assert unescape_formula(cell) == text
