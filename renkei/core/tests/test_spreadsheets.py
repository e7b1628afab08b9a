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


def _sheet(rows):
    from renkei.core.spreadsheets import Column, Sheet

    return Sheet(title="Places: [all]", name="places", rows=rows, columns=[
        Column("name", "Name"), Column("population", "Population", number=True), Column("themes", "Themes"),
        Column("on", "On")])


def test_csv_and_excel_hold_the_same_rows_with_numbers_as_numbers():
    import io
    from datetime import date

    from openpyxl import load_workbook

    from renkei.core.spreadsheets import write_csv, write_xlsx

    rows = [{"name": "Kamaishi", "population": 31000, "themes": ["Tsunami", "Tourism"], "on": date(2026, 1, 2)},
            {"name": "-1", "population": None, "themes": [], "on": None}]
    text = io.StringIO()
    assert write_csv(_sheet(rows), text) == 2
    assert text.getvalue().splitlines() == ["Name,Population,Themes,On", "Kamaishi,31000,Tsunami; Tourism,2026-01-02",
                                            "'-1,,,"]
    binary = io.BytesIO()
    assert write_xlsx(_sheet(rows), binary) == 2
    book = load_workbook(binary)
    assert book.sheetnames == ["Places all"]
    assert list(book.active.iter_rows(values_only=True)) == [
        ("Name", "Population", "Themes", "On"), ("Kamaishi", 31000, "Tsunami; Tourism", "2026-01-02"),
        ("'-1", None, None, None)]


def test_excel_drops_control_characters_it_cannot_hold():
    import io

    from openpyxl import load_workbook

    from renkei.core.spreadsheets import write_xlsx

    binary = io.BytesIO()
    write_xlsx(_sheet([{"name": "Ka\x00mai\x0cshi\tcity", "population": 1}]), binary)
    assert load_workbook(binary).active["A2"].value == "Kamaishi\tcity"
