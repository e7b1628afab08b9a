"""The shell's pages: the home page, signing in and out, error pages, static files and the menu.
Each domain's pages are tested in its app."""

import re

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.clients import login
from renkei.accounts.tests.factories import UserFactory
from renkei.places.tests.factories import ExpertiseFactory, NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db

def text(response) -> str:
    return response.content.decode()


# --- home ---------------------------------------------------------------------------------------

def test_home_shows_counts_map_and_lists(client, place):
    PlaceFactory(name_en="Iwate", slug="iwate", level="region", latitude=39.6, longitude=141.2)
    PlaceFactory(name_en="Hidden", slug="hidden", is_published=False, latitude=36.0, longitude=140.0)
    NeedFactory(place=place, theme=theme("solid-waste"))
    ExpertiseFactory(place=place, theme=theme("solid-waste"))
    response = client.get("/")
    html = text(response)
    assert response.status_code == 200
    counts = {label: int(n) for n, label in
              re.findall(r'<span class="stat-value">(\d+)</span><span class="stat-label">([^<]+)</span>', html)}
    assert counts["cities"] == 1 and counts["countries"] == 1 and counts["needs"] == 1
    assert counts["areas of expertise"] == 1 and counts["themes"] > 50
    assert '<svg class="worldmap"' in html and "<path d=" in html
    # one marker per published place with coordinates; cities bigger than regions; each a link
    assert html.count('class="marker marker-city"') == 1 and html.count('class="marker marker-region"') == 1
    city_r = float(re.search(r'class="marker marker-city"[^>]* r="([\d.]+)"', html).group(1))
    region_r = float(re.search(r'class="marker marker-region"[^>]* r="([\d.]+)"', html).group(1))
    assert city_r > region_r
    assert '<a href="/places/testville/" aria-label="Testville"><circle' in html
    assert "<title>Testville</title>" in html
    assert "Hidden" not in html
    assert "Recently updated places" in html and "Solid waste management" in html


def test_home_map_leaves_out_places_without_coordinates(client):
    PlaceFactory(name_en="Nowhere", latitude=None, longitude=None)
    html = text(client.get("/"))
    assert 'class="marker marker-city"' not in html
    assert "Nowhere" in html  # still among the recently updated


def test_home_map_shows_the_largest_places_when_there_are_many(client, monkeypatch):
    from renkei.web import views

    monkeypatch.setattr(views, "MAP_MARKER_LIMIT", 2)
    for name, population in (("Big", 3_000_000), ("Middle", 200_000), ("Small", 5_000)):
        PlaceFactory(name_en=name, population=population)
    html = text(client.get("/"))
    assert html.count('class="marker marker-city"') == 2
    assert "<title>Small</title>" not in html and "The 2 largest of 3 places are shown." in html


# --- signing in ---------------------------------------------------------------------------------

def test_sign_in_and_out(client, focal_point):
    page = client.get("/login/?next=/places/testville/")
    assert page.status_code == 200 and 'name="next" value="/places/testville/"' in text(page)
    bad = client.post("/login/", {"username": "focal", "password": "wrong"})
    assert "The user name and password did not match" in text(bad)
    response = client.post("/login/", {"username": "focal", "password": "pw-Renkei-123",
                                       "next": "/places/testville/"})
    assert response.status_code == 302 and response["Location"] == "/places/testville/"
    html = text(client.get("/places/testville/"))
    assert "Sign out" in html and 'action="/logout/" method="post"' in html
    assert client.post("/logout/").status_code == 302
    assert "Sign in" in text(client.get("/"))


# --- errors, assets and admin -----------------------------------------------------------------

def test_error_pages_render(client, rf):
    from renkei.web import views

    response = views.error_500(rf.get("/"))
    assert response.status_code == 500 and "Something went wrong" in text(response)
    response = views.error_403(rf.get("/"))
    assert response.status_code == 403


def test_static_files_are_served_locally(client):
    html = text(client.get("/"))
    assert "/static/renkei/vendor/htmx.min.js" in html and "/static/renkei/renkei.css" in html
    head = html.split("<body")[0]
    assert "http://" not in head and "https://" not in head


def test_admin_link_only_for_staff(client, officer):
    assert 'href="/admin/"' not in text(client.get("/"))
    staff = UserFactory(username="staff", is_staff=True, roles=[Role.ADMINISTRATOR])
    assert 'href="/admin/"' in text(login(client, staff).get("/"))


def test_every_page_marks_its_strings_for_translation(client, place):
    """A Japanese reader sees no English interface words that the catalogue already translates."""
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    html = text(client.get("/places/testville/"))
    for english in (">Needs<", ">Expertise<", ">Places<", ">Themes<", ">Sign in<"):
        assert english not in html


def test_home_follows_changes_and_languages(client, place, settings, django_capture_on_commit_callbacks):
    """The shared part of the home page is made once per language and data: a change, a new
    language and a signed-in viewer each see what is theirs."""
    assert "Newtown" not in text(client.get("/"))
    PlaceFactory(name_en="Newtown", name_ja="ニュータウン", slug="newtown", latitude=35.0, longitude=135.0)
    assert "Newtown" in text(client.get("/"))
    assert "ニュータウン" in text(client.get("/", HTTP_ACCEPT_LANGUAGE="ja"))
    settings.RENKEI_INDEX_CHECK_SECONDS = 3600  # within the check interval, a write in this process still shows
    from renkei.accounts.permissions import SYSTEM
    from renkei.places import services

    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        services.place_update(actor=SYSTEM, place=place, data={"name": "Renamed town"})
    assert "Renamed town" in text(client.get("/"))


def test_home_counts_are_the_viewers_own(client, officer):
    PlaceFactory(slug="open", is_published=True, level="city")
    PlaceFactory(slug="closed", is_published=False, level="city")
    stat = re.compile(r'<span class="stat-value">(\d+)</span><span class="stat-label">cities</span>')
    assert stat.search(text(client.get("/"))).group(1) == "1"
    login(client, officer)  # officers see unpublished places too
    assert stat.search(text(client.get("/"))).group(1) == "2"
