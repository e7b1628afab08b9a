"""Every page a demo role reaches, read in Japanese, is in Japanese: signed in as each demo account (and
as a visitor), the crawl follows the site's own links from the start page to a bounded number of pages
and fails on any English interface text, and on any page that fails (500).

English interface text is found two ways: an English message of our catalogues shown as it is (its
translation was not used: a string made before the language was chosen, or missing from the
catalogue), and any visible run of English words that is not content (names, titles and
descriptions stored in the database, codes, numbers, addresses)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve

from renkei.accounts.models import User
from renkei.demo.accounts import DEMO_USERS
from renkei.iati import codelists
from renkei.web.tests.test_translations import CATALOGUES, _po_entries

pytestmark = pytest.mark.django_db

MAX_PAGES = 250  # per role
PER_ROUTE = 3  # pages of one URL pattern (with the same query keys) per role: enough to meet each template
SKIP = re.compile(r"^/(admin|api|static|media|i18n|jsi18n|logout|healthz)\b|\.(csv|xlsx|ics|xml|pdf|json)$")
SKIP_QUERY = {"download", "format", "next"}
#: words that are the same in Japanese pages: names of standards, formats and the product itself
ALLOWED_WORDS = {
    "renkei", "english", "iati", "sdg", "sdgs", "iso", "csv", "xlsx", "excel", "pdf", "xml", "api", "url", "id",
    "json", "ical", "icalendar", "ics", "sendai", "mou", "oecd", "jica", "tdlc", "iuc", "iurc", "hhi", "dg", "regio",
    "ok", "utc", "gmt", "faq", "email", "e-mail", "htmx", "tod", "ict", "km", "kg", "m", "ha", "co", "t",
}
HIDDEN = {"script", "style", "template", "code", "pre", "textarea"}
ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
#: addresses, links and dotted codes (SDG 11.a.1) are not words
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|/[\w\-./?=&%]+|\b\d+(?:\.[0-9a-z]+)+\b")


class Text(HTMLParser):
    """The visible text of a page (text nodes and the attributes people read) and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._skip_stack: list[str] = []
        self.searches: list[str] = []  # GET forms, submitted as they stand (first choice of each list)
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
            self._skip_stack.append(tag)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
        elif self._form is not None and attrs.get("name"):
            fields = self._form["fields"]
            if tag == "input" and attrs.get("type") not in {"submit", "button", "checkbox", "radio", "file"}:
                fields[attrs["name"]] = attrs.get("value") or ""
            elif tag == "input" and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value") or "on"
            elif tag == "select":
                self._select = attrs["name"]
        if tag == "option" and self._form is not None and self._select:
            value = attrs.get("value") or ""
            if value and (self._select not in self._form["fields"] or "selected" in attrs):
                self._form["fields"][self._select] = value
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form is not None:
            fields = {k: v for k, v in self._form["fields"].items() if v and k != "csrfmiddlewaretoken"}
            self.searches.append(self._form["action"] + "?" + urlencode(fields) if fields else self._form["action"])
            self._form = None
        if self._skip_stack and tag == self._skip_stack[-1]:
            self._skip_stack.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def content_corpus() -> str:
    """Every text stored in the database (names, titles, descriptions, notes of the demo data), one a line."""
    texts = set()
    for model in apps.get_models():
        if not model.__module__.startswith("renkei.") and model.__name__ not in {"User"}:
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField | models.SlugField)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                texts.update(" ".join(s.split()) for s in _strings(value))
    # the IATI Standard's codelists come in English only: their names are the Standard's, shown with the code
    for items in codelists._all().values():
        texts.update(" ".join(f"{code} – {name}".split()) for code, (name, _active) in items.items())
    return "\n".join(sorted(texts))


def english_messages() -> tuple[set[str], str]:
    """The English messages of our catalogues whose Japanese differs (a plain one-line message), and the
    Japanese of them all (where a translation keeps a name in Latin letters on purpose: "Natural Earth")."""
    messages, translations = set(), []
    for locale in CATALOGUES:
        for msgid, msgstr in _po_entries(locale).items():
            translations.append(msgstr)
            if "\x04" in msgid or "%" in msgid or "{" in msgid or msgid == msgstr:
                continue
            if len(WORD.findall(msgid)) and not set(w.lower() for w in WORD.findall(msgid)) <= ALLOWED_WORDS:
                messages.add(" ".join(msgid.split()))
    return messages, "\n".join(translations)


class Checker:
    def __init__(self):
        self.corpus = content_corpus()
        self.messages, self.translations = english_messages()
        self._content: dict[str, bool] = {}
        # account names are the users' own ("Administrator" is also a role's label, translated where it is one)
        self.accounts = {text for row in User.objects.values_list("display_name", "username") for text in row}

    def is_content(self, run: str) -> bool:
        """A whole text of the data (or a piece of one between punctuation), or a longer run of words found
        inside one: a word or two found somewhere in a description ("city", "Save") is no proof."""
        if run not in self._content:
            whole = re.compile(rf"(?:^|[\n,;:·|/(]\s*){re.escape(run)}\s*(?:$|[\n,;:·|/)])", re.M)
            inside = re.compile(rf"(?<![A-Za-z]){re.escape(run)}(?![A-Za-z])")
            long = len(WORD.findall(run)) >= 3
            self._content[run] = bool(whole.search(self.corpus) or whole.search(self.translations)
                                      or (long and (inside.search(self.corpus) or inside.search(self.translations))))
        return self._content[run]

    def english(self, text: str) -> list[str]:
        """The runs of English words in ``text`` that are interface text, not content."""
        if text in self.accounts:
            return []
        if text in self.messages:
            return [text]
        if self.is_content(text):
            return []
        found = []
        if text.endswith(("…", "...")):  # cut short (truncatechars): the last word may be a piece of one
            text = re.sub(r"\S*$", "", text.rstrip("…."))
        stripped = EMAIL_OR_URL.sub(" ", text)
        # runs of Latin words (with spaces and light punctuation between them), split at anything else
        for run in re.findall(r"[A-Za-z][A-Za-z0-9'’\-–.,:;()/&+ ]*[A-Za-z0-9.)]|[A-Za-z]", stripped):
            run = run.strip(" .,:;()/")
            words = [w for w in WORD.findall(run) if w.lower() not in ALLOWED_WORDS]
            # a code (ISO, IATI, a unit) is all capitals or mixed with digits; one capitalised word is a name
            words = [w for w in words if not (w.isupper() or re.search(r"\d", w))]
            if not words or (len(words) == 1 and words[0][0].isupper() and run not in self.messages):
                continue
            if self.is_content(run):
                continue
            # a list of content ("room, venue"; a theme's keywords) is content piece by piece
            pieces = [p.strip(" .:()") for p in re.split(r"[,;·|]", run)]
            if len(pieces) > 1 and all(not p or self.is_content(p) for p in pieces):
                continue
            found.append(run)
        return found


def route_key(path: str, query: str) -> tuple[str, tuple[str, ...]]:
    try:
        route = resolve(path).route
    except Resolver404:
        route = path
    return route, tuple(sorted({k for k, _v in parse_qsl(query)}))


def crawl(client, checker: Checker, role: str) -> tuple[list[str], list[str], int]:
    problems, failures = [], []
    seen: set[str] = set()
    per_route: Counter = Counter()
    queue = ["/"]
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        pages += 1
        if response.status_code >= 500:
            failures.append(f"{role} {url}: {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Text()
        parser.feed(response.content.decode())
        for text in parser.texts:
            problems.extend(f"{role} {url}: {run!r}" + ("" if run == text else f" in {text!r}")
                            for run in checker.english(text))
        path = url.split("?")[0]
        for href in parser.links + [path + search if search.startswith("?") else search
                                    for search in parser.searches if search]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            query = [(k, v) for k, v in parse_qsl(parts.query) if k not in SKIP_QUERY]
            if len(query) != len(parse_qsl(parts.query)):
                continue
            link = parts.path + ("?" + urlencode(query) if query else "")
            if link in seen:
                continue
            seen.add(link)
            key = route_key(parts.path, parts.query)
            if per_route[key] >= PER_ROUTE:
                continue
            per_route[key] += 1
            queue.append(link)
    return problems, failures, pages


@pytest.fixture
def demo(db, whole_demo):
    whole_demo()


def test_every_page_each_role_reaches_is_in_japanese(client, demo):
    """One test for every role and for the check itself, so the demo is loaded once."""
    checker = Checker()
    assert checker.english("Find partners") == ["Find partners"]  # a catalogue message shown untranslated
    assert checker.english("絞り込み: JP / city") == ["JP / city"]  # a raw code with an English word
    assert checker.english("Toyama — World Bank City Partnership Program") == []  # a title from the data
    assert checker.english("連絡先: someone@example.org, https://example.org/a") == []
    assert checker.english("ISO 37120 · SDG 11.1.1") == []
    problems, failures = [], []
    for username in [None] + [username for username, *_rest in DEMO_USERS]:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        found, failed, pages = crawl(client, checker, username or "visitor")
        assert pages > 20, f"{username or 'visitor'} reached only {pages} pages"
        problems += found
        failures += failed
    assert failures == []
    assert not problems, "English in Japanese pages:\n" + "\n".join(sorted(set(problems)))

