"""Choosing in a searchable picker (ui.widgets.ChipPicker, renkei/picker.js), for the browser tests."""


def pick(page, name: str, text: str) -> None:
    """Type ``text`` in the picker over the select ``name`` and take the option that contains it."""
    box = page.locator(f"select[name={name}] + .picker input[role=combobox]")
    box.fill("")
    box.press_sequentially(text)
    box.page.locator(f"select[name={name}] + .picker [role=option]", has_text=text).first.click()
