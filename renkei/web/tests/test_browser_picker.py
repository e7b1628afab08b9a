"""The searchable picker with chips over a <select multiple> (ui.widgets.ChipPicker, renkei/picker.js),
on the cohort pairing page: typing, picking with the keyboard and the mouse, removing a chip, the
announcements, Japanese, a phone, and the plain select when JavaScript is off."""

import pytest
from playwright.sync_api import expect

from renkei.accounts.tests.browser import sign_in
from renkei.web.tests.test_browser import demo, shot  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def picker(page, name: str):
    """The text box of the picker over the select ``name``."""
    return page.locator(f"#id_{name}-search")


def chips(page, name: str) -> list[str]:
    return [text.strip() for text in page.locator(f"#id_{name} + .picker .picker-chip span").all_inner_texts()]


def chosen(page, name: str) -> list[str]:
    return page.locator(f"select[name={name}]").evaluate(
        "select => Array.from(select.selectedOptions).map(option => option.value)")


def assert_pairs_read_as_cards(page, pairs: int) -> None:
    """On a phone each pair is a card: its cells one under another at the card's width (none squeezed
    into a narrow column), the total under the cards, and nothing to scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    table = page.locator("table.table")
    assert "table-cards" in table.get_attribute("class")
    rows = page.locator("table.table tbody tr").evaluate_all("""rows => rows.map(row => ({
        display: getComputedStyle(row).display,
        widths: Array.from(row.cells).filter(cell => getComputedStyle(cell).display !== "none")
                     .map(cell => cell.getBoundingClientRect().width)}))""")
    assert len(rows) == pairs
    for row in rows:
        assert row["display"] == "flex" and len(row["widths"]) == 4
        assert min(row["widths"]) >= 300, row  # the card's width, not a quarter of it
    remark = page.locator("table.table tfoot td").bounding_box()
    assert remark["width"] >= 300 and remark["x"] + remark["width"] <= 390


def test_pairing_with_the_picker_gives_the_same_pairs_as_the_plain_select(browser, live_server, demo):  # noqa: F811
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    sign_in(page, live_server.url, "officer", next_url="/match/pair/")
    select = page.locator("select[name=a_country]")
    assert not select.is_visible() and page.locator("[data-picker-hint]").first.is_hidden()
    page.locator("label[for='id_a_country-search']").click()  # the label now names the text box
    assert page.evaluate("document.activeElement.id") == "id_a_country-search"

    box = picker(page, "a_country")
    box.press_sequentially("germ")  # a partial name, any case
    options = page.locator("#id_a_country-options [role=option]")
    assert options.all_inner_texts() == ["Germany"]
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Enter")  # picks the option; does not send the form
    assert chips(page, "a_country") == ["Germany"] and chosen(page, "a_country") == ["DE"]
    assert box.input_value() == "" and page.url.endswith("/match/pair/")
    expect(page.locator("#id_a_country + .picker [aria-live]")).to_have_text("Germany added.")

    box.fill("")
    box.press_sequentially("fin")
    page.locator("#id_a_country-options [role=option]", has_text="Finland").click()
    box.press_sequentially("swe")
    box.press("ArrowDown")
    box.press("Enter")
    box.press_sequentially("thai")
    box.press("Enter")
    assert chips(page, "a_country") == ["Finland", "Germany", "Sweden", "Thailand"]  # in the select's order
    assert page.locator("#id_a_country-options [role=option]", has_text="Germany").count() == 0  # chosen: not offered

    remove = page.get_by_role("button", name="Remove Thailand")
    remove.focus()
    page.keyboard.press("Enter")  # a chip is removed with the keyboard too
    assert chips(page, "a_country") == ["Finland", "Germany", "Sweden"]
    assert sorted(chosen(page, "a_country")) == ["DE", "FI", "SE"]
    expect(page.locator("#id_a_country + .picker [aria-live]")).to_have_text("Thailand removed.")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove Sweden"

    b = picker(page, "b_country")
    b.press_sequentially("xyz")
    assert page.locator("#id_b_country-options").inner_text() == "No match"
    b.fill("")
    b.press_sequentially("jap")
    b.press("Enter")
    b.press("Backspace")  # on an empty box: to the last chip's remove button
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove Japan"
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("table.table tbody tr").count() == 3
    assert chips(page, "a_country") == ["Finland", "Germany", "Sweden"]  # the page comes back with the choices
    shot(page, "pair-cohort")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_pairs_read_as_cards(page, 3)
    shot(page, "pair-cohort-phone")
    page.close()


def test_picker_in_japanese_on_a_phone(browser, live_server, demo):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "officer", next_url="/match/pair/")
    page.locator("label.nav-toggle-label").click()  # the menu, folded on a phone
    page.locator("[data-language-switch] button[value=ja]").first.click()
    page.wait_for_load_state()
    box = picker(page, "a_country")
    assert box.get_attribute("placeholder") == "入力して検索し、Enter で選択"
    box.press_sequentially("ドイ")
    box.press("Enter")
    b = picker(page, "b_places")
    b.press_sequentially("toya")  # the place's address name finds it too (the label is in Japanese)
    b.press("Enter")
    assert chips(page, "a_country") == ["ドイツ"] and chosen(page, "b_places") == ["toyama"]
    assert page.get_by_role("button", name="ドイツを削除").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out on a phone
    box.press_sequentially("スウェ")
    expect(page.locator("#id_a_country-options")).to_be_visible()  # drawn as one types (the machine may be busy)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "pair-cohort-ja-phone")
    page.set_viewport_size({"width": 1366, "height": 1000})
    shot(page, "pair-cohort-ja")
    box.press("Escape")
    expect(page.locator("#id_a_country-options")).to_be_hidden()
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("table.table tbody tr").count() == 1
    assert_pairs_read_as_cards(page, 1)
    assert page.locator("table.table tfoot th").first.inner_text() == "合計"
    page.close()


def test_list_stays_open_when_one_comes_back_to_the_box_at_once(browser, live_server, demo):  # noqa: F811
    # Leaving a box closes its list a moment later (so that a click on an option still lands); coming
    # straight back and typing must not have the list closed under one's fingers by that late close.
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    sign_in(page, live_server.url, "officer", next_url="/match/pair/")
    page.evaluate("""() => {
        const a = document.getElementById("id_a_country-search");
        a.focus();
        document.getElementById("id_b_country-search").focus();
        a.focus();
        a.value = "swe";
        a.dispatchEvent(new Event("input"));
    }""")
    page.wait_for_timeout(500)  # well past the late close
    assert page.locator("#id_a_country-options").is_visible()
    assert page.locator("#id_a_country-options [role=option]").all_inner_texts() == ["Sweden"]
    page.locator("#id_b_country-search").focus()
    expect(page.locator("#id_a_country-options")).to_be_hidden()  # leaving for good still closes it
    page.close()


def test_pairing_form_works_without_javascript(browser, live_server, demo):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    page.goto(live_server.url + "/match/pair/")
    select = page.locator("select[name=a_country]")
    assert select.is_visible() and page.locator(".picker").count() == 0
    assert "Hold Ctrl" in page.locator("[data-picker-hint]").first.inner_text()
    select.select_option(["DE", "FI", "SE"])
    page.locator("select[name=b_country]").select_option(["JP"])
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("table.table tbody tr").count() == 3
    context.close()
