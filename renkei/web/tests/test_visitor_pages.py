"""Pages kept for visitors who are not signed in: the same page for everyone until the data
changes, each with its requester's own CSRF token; signed-in users always get their own page."""

import re

import pytest
from django.test import Client

from renkei.accounts.tests.clients import login
from renkei.places.tests.factories import PlaceFactory
from renkei.ui import pagecache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def no_kept_pages():
    pagecache.forget_pages()
    yield
    pagecache.forget_pages()


@pytest.fixture
def counted(monkeypatch):
    """How many times the place list was made (not served from the kept pages)."""
    from renkei.places import views

    made = []
    original = views.selectors.place_list

    def place_list(**kwargs):
        made.append(1)
        return original(**kwargs)

    monkeypatch.setattr(views.selectors, "place_list", place_list)
    return made


def test_a_visitors_page_is_made_once_until_the_data_changes(client, counted):
    PlaceFactory(name_en="Kamaishi", slug="kamaishi")
    first = client.get("/places/").content.decode()
    second = Client().get("/places/").content.decode()
    assert len(counted) == 1 and "Kamaishi" in second
    token = re.compile(r"[A-Za-z0-9]{64}")  # each page carries its own requester's CSRF token
    assert token.findall(first) != token.findall(second) and token.sub("", first) == token.sub("", second)
    PlaceFactory(name_en="Toyama", slug="toyama")
    assert "Toyama" in Client().get("/places/").content.decode() and len(counted) == 2


def test_each_visitor_gets_a_csrf_token_that_works(counted):
    PlaceFactory(slug="kamaishi")
    Client().get("/places/")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/places/").content.decode()
    assert len(counted) == 1 and "renkei-csrf-slot" not in page
    token = TOKEN.search(page).group(1)
    answer = visitor.post("/i18n/setlang/", {"language": "ja", "next": "/places/", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    other = Client(enforce_csrf_checks=True)
    other.get("/")
    assert other.post("/i18n/setlang/", {"language": "ja", "csrfmiddlewaretoken": token}).status_code == 403


def test_languages_and_queries_are_kept_apart(client, counted):
    PlaceFactory(name_en="Kamaishi", name_ja="釜石市", slug="kamaishi")
    assert "釜石市" in client.get("/places/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Kamaishi" in Client().get("/places/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    Client().get("/places/?q=kama")
    assert len(counted) == 3


def test_signed_in_users_always_get_their_own_page(client, officer, counted):
    PlaceFactory(slug="open", name_en="Open town")
    PlaceFactory(slug="closed", name_en="Closed town", is_published=False)
    assert "Closed town" not in Client().get("/places/").content.decode()
    login(client, officer)
    assert "Closed town" in client.get("/places/").content.decode()
    client.get("/places/")
    assert len(counted) == 3


def test_a_visitor_with_messages_waiting_is_not_served_a_kept_page(counted):
    PlaceFactory(slug="kamaishi")
    Client().get("/places/")
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    visitor.get("/places/")
    assert len(counted) == 2


def test_only_the_most_recent_pages_are_kept(client, monkeypatch, counted):
    monkeypatch.setattr(pagecache, "PAGES_KEPT", 2)
    PlaceFactory(slug="kamaishi")
    for query in ("a", "b", "c", "a"):
        client.get(f"/places/?q={query}")
    assert len(counted) == 4  # "a" was pushed out by "b" and "c"


def test_a_page_that_follows_the_clock_is_kept_a_minute_at_most(monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    made = []

    @pagecache.for_visitors(seconds=60)
    def view(request):
        made.append(1)
        return HttpResponse(f"page {len(made)}")

    def get():
        request = RequestFactory().get("/calls/x/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    now = [1_000_000_020.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    assert get() == "page 1" and get() == "page 1"
    now[0] += 60
    assert get() == "page 2"


def test_a_page_whose_only_token_is_in_the_htmx_headers_gets_the_requesters_own():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    @pagecache.for_visitors
    def view(request):
        return HttpResponse(f'<body hx-headers=\'{{"X-CSRFToken": "{get_token(request)}"}}\'>')

    def get():
        request = RequestFactory().get("/no-form/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    first, second = get(), get()
    assert "renkei-csrf-slot" not in second and first != second


def test_the_signature_is_one_query_that_moves_with_any_write(django_assert_num_queries):
    from django.db.models import Max

    from renkei.web.visitors import _tables, visitor_signature

    place = PlaceFactory(name_en="Kamaishi", slug="kamaishi")
    with django_assert_num_queries(1):
        before = visitor_signature()
    expected = []  # the same figures as one aggregate per table
    for model in _tables():
        aggregates = {"last": Max("pk")}
        if "updated_at" in {f.attname for f in model._meta.concrete_fields}:
            aggregates["t"] = Max("updated_at")
        expected.extend(model._default_manager.aggregate(**aggregates).values())
    assert [v is None for v in before] == [v is None for v in expected] and len(before) == len(expected)
    type(place).objects.filter(pk=place.pk).update(name_en="Kamaishi City")
    assert visitor_signature() == before  # neither a new row nor a new updated_at: unchanged
    place.save()
    assert visitor_signature() != before
