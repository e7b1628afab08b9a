import gettext
import re
from pathlib import Path

from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale" / "ja" / "LC_MESSAGES"
#: the shared catalogue and the apps' own (makemessages puts an app's strings in its own when it has one)
CATALOGUES = sorted(PACKAGE.glob("*/locale/ja/LC_MESSAGES")) + [LOCALE]


def _po_entries(locale: Path = LOCALE) -> dict[str, str]:
    text = (locale / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key and context:  # a compiled catalogue keys such an entry by "context\x04msgid"
                key = context.group(1) + "\x04" + key
            if key:
                entries[key.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")] = "".join(
                    re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def test_every_string_has_a_japanese_translation():
    assert len(_po_entries()) > 300
    for locale in CATALOGUES:
        entries = _po_entries(locale)
        assert [k for k, v in entries.items() if not v] == [], locale
        fuzzy = (locale / "django.po").read_text(encoding="utf-8").count("#, fuzzy")
        assert fuzzy == 0, f"{locale}: {fuzzy} fuzzy guesses to check"


def test_compiled_catalogue_matches_the_po_file():
    for locale in CATALOGUES:
        with (locale / "django.mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        missing = [k for k in _po_entries(locale) if k not in catalogue]
        assert missing == [], f"{locale}: run `make messages` to recompile django.mo"


def test_interface_strings_in_japanese():
    with translation.override("ja"):
        assert translation.gettext("Needs") == "ニーズ"
        assert translation.gettext("Find partners") == "パートナーを探す"
        assert translation.gettext("Sign in") == "ログイン"
