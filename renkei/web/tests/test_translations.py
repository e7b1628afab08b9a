import gettext
import re
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ja" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                entries[key.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")] = "".join(
                    re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def test_every_string_has_a_japanese_translation():
    entries = _po_entries()
    assert len(entries) > 300
    assert [k for k, v in entries.items() if not v] == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    missing = [k for k in _po_entries() if k not in catalogue]
    assert missing == [], "run `make messages` to recompile django.mo"


def test_interface_strings_in_japanese():
    with translation.override("ja"):
        assert translation.gettext("Needs") == "ニーズ"
        assert translation.gettext("Find partners") == "パートナーを探す"
        assert translation.gettext("Sign in") == "ログイン"
