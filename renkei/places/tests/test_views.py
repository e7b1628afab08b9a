"""The pages of places, themes and organisations (what each shows, to whom, and what a form does
with good and bad input) and the admin pages for places, people and the audit log (they load, and
every edit is audited)."""

import re

import pytest
from django.urls import reverse

from renkei.accounts.models import ApiToken
from renkei.accounts.services import api_token_create
from renkei.accounts.tests.clients import login
from renkei.accounts.tests.factories import UserFactory
from renkei.core.audit import audit_record
from renkei.core.models import AuditEntry
from renkei.places import services
from renkei.places.models import Expertise, Need
from renkei.places.tests.factories import (
    ContactFactory,
    ExpertiseFactory,
    NeedFactory,
    OrganisationFactory,
    PlaceFactory,
    theme,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


# --- place list -------------------------------------------------------------------------------

def test_place_list_filters_and_pagination(client, settings):
    settings.RENKEI_PAGE_SIZE = 2
    PlaceFactory(name_en="Kobe", population=1_500_000)
    PlaceFactory(name_en="Obuse", population=11_000)
    PlaceFactory(name_en="Essen", country="DE", population=580_000)
    PlaceFactory(name_en="Iwate", level="region", population=1_200_000)
    html = text(client.get("/places/", {"country": "DE"}))
    assert "Essen" in html and "Kobe" not in html
    html = text(client.get("/places/", {"level": "region"}))
    assert "Iwate" in html and "Kobe" not in html
    html = text(client.get("/places/", {"max_population": "20000"}))
    assert "Obuse" in html and "Kobe" not in html
    html = text(client.get("/places/", {"min_population": "600000", "max_population": "1300000"}))
    assert "Iwate" in html and "Kobe" not in html and "Essen" not in html
    html = text(client.get("/places/", {"q": "kob"}))
    assert "Kobe" in html and "Obuse" not in html
    page1 = text(client.get("/places/"))
    assert "4 places" in page1 and "Page 1 of 2" in page1 and "Essen" in page1 and "Kobe" not in page1
    page2 = text(client.get("/places/", {"page": "2"}))
    assert "Page 2 of 2" in page2 and "Kobe" in page2 and "Essen" not in page2
    assert "Page 2 of 2" in text(client.get("/places/", {"page": "99"}))  # out of range: the last page


def test_pagination_links_keep_the_filters(client, settings):
    settings.RENKEI_PAGE_SIZE = 1
    PlaceFactory(name_en="Kobe", country="JP")
    PlaceFactory(name_en="Kyoto", country="JP")
    PlaceFactory(name_en="Essen", country="DE")
    html = text(client.get("/places/", {"country": "JP"}))
    assert 'href="?country=JP&amp;page=2"' in html


def test_country_select_names_countries(client):
    PlaceFactory(country="DE")
    PlaceFactory(country="JP")
    html = text(client.get("/places/"))
    assert '<option value="DE">Germany</option>' in html and '<option value="JP">Japan</option>' in html


def test_theme_filter_is_grouped_by_branch_and_includes_sub_themes(client):
    toyama = PlaceFactory(name_en="Toyama")
    ExpertiseFactory(place=toyama, theme=theme("compact-city"))
    PlaceFactory(name_en="Elsewhere")
    html = text(client.get("/places/"))
    assert re.search(r'<optgroup label="Urban planning and land use">\s*<option value="urban-planning">', html)
    html = text(client.get("/places/", {"theme": "urban-planning"}))
    assert "Toyama" in html and "Elsewhere" not in html
    html = text(client.get("/places/", {"theme": "compact-city"}))
    assert "Toyama" in html and "Elsewhere" not in html


def test_place_card_shows_names_country_level_population_and_themes(client, place):
    NeedFactory(place=place, theme=theme("solid-waste"))
    ExpertiseFactory(place=place, theme=theme("tsunami-reconstruction"))
    html = text(client.get("/places/"))
    assert "Testville" in html and "テスト市" in html
    assert "Japan · City / municipality" in html and "Population 100,000" in html
    assert "Solid waste management" in html and "Tsunami recovery and reconstruction" in html


def test_bad_filter_value_gives_a_message_not_an_error(client, place):
    PlaceFactory(name_en="Essen", country="DE")
    response = client.get("/places/", {"min_population": "abc", "country": "DE"})
    assert response.status_code == 200
    html = text(response)
    assert "Some filters could not be used and were left out" in html
    assert "Population from: Enter a whole number." in html
    assert "Essen" in html and "Testville" not in html  # the good filter still applies
    for bad in ({"country": "XX"}, {"theme": "no-such-theme"}, {"level": "planet"}, {"page": "abc"},
                {"min_population": "-5"}, {"min_population": "10", "max_population": "5"}):
        response = client.get("/places/", bad)
        assert response.status_code == 200, bad
    assert "Must be at least the lower bound." in text(client.get("/places/", {"min_population": "10",
                                                                              "max_population": "5"}))


def test_htmx_request_returns_only_the_results(client, place):
    response = client.get("/places/", {"q": "Test"}, **HTMX)
    html = text(response)
    assert "Testville" in html and "1 place" in html
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in response["Vary"]
    # a history restore (back button after a swap) needs the whole page
    html = text(client.get("/places/", {"q": "Test"}, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"))
    assert "<html" in html


def test_list_form_works_with_and_without_htmx(client):
    html = text(client.get("/places/"))
    assert 'method="get" action="/places/"' in html
    assert 'hx-get="/places/" hx-target="#results" hx-push-url="true"' in html


def test_unpublished_places_are_listed_only_for_editors(client, officer):
    PlaceFactory(name_en="Draftville", is_published=False)
    assert "Draftville" not in text(client.get("/places/"))
    assert "Draftville" in text(login(client, officer).get("/places/"))


# --- place page -------------------------------------------------------------------------------

def test_place_page_shows_profile_needs_and_expertise(client, place):
    region = PlaceFactory(slug="test-prefecture", name_en="Test Prefecture", level="region")
    place.parent = region
    place.hazards = ["tsunami", "earthquake"]
    place.share_65_plus = 40.0
    place.population_growth = -1.5
    place.area_km2 = 400.0
    place.website = "https://www.city.example.jp/"
    place.save()
    NeedFactory(place=place, theme=theme("solid-waste"), priority=4, description={"en": "Sorting household waste"},
                evidence=["https://example.org/waste-plan"])
    ExpertiseFactory(place=place, theme=theme("tsunami-reconstruction"), maturity=5,
                     description={"en": "Rebuilt the port"})
    html = text(client.get("/places/testville/"))
    assert "<h1>Testville</h1>" in html and "テスト市" in html
    assert "Sorting household waste" in html and "Rebuilt the port" in html
    assert "Solid waste management" in html and 'aria-label="Priority 4 of 5"' in html
    assert 'aria-label="Maturity 5 of 5"' in html
    assert 'href="https://example.org/waste-plan"' in html
    assert 'href="/places/test-prefecture/"' in html
    assert "Tsunami" in html and "Earthquake" in html
    assert "40%" in html and "-1.5% a year" in html and "250 per km²" in html
    assert "100,000" in html and "A town." in html
    assert 'href="https://www.city.example.jp/"' in html
    assert '<svg class="worldmap"' in html and 'class="marker marker-here"' in html
    assert 'class="home-country"' in html  # Japan is highlighted on the small map
    assert "Edit profile" not in html and "History" not in html


def test_place_page_without_coordinates_or_summary(client):
    PlaceFactory(slug="bare", name_en="Bare", latitude=None, longitude=None, summary={}, population=None,
                 level="country")
    response = client.get("/places/bare/")
    html = text(response)
    assert response.status_code == 200
    assert "No summary has been written yet." in html and "marker-here" not in html
    assert "No needs recorded yet." in html and "No expertise recorded yet." in html


def test_place_page_falls_back_to_english_description(client, place):
    NeedFactory(place=place, description={"en": "Only English"})
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert "Only English" in text(client.get("/places/testville/"))


def test_place_page_hides_private_contact_data_from_anonymous(client, place, reviewer):
    ContactFactory(place=place, name="Ms Sato", email="sato@city.example.jp", phone="+81 1 2345",
                   public_consent=True)
    ContactFactory(place=place, name="Mr Hidden", email="hidden@city.example.jp", public_consent=False)
    html = text(client.get("/places/testville/"))
    assert "Ms Sato" in html and "Mr Hidden" not in html
    assert "sato@city.example.jp" not in html and "+81 1 2345" not in html
    html = text(login(client, reviewer).get("/places/testville/"))
    assert "sato@city.example.jp" in html and "+81 1 2345" in html and "Mr Hidden" in html


def test_signed_in_user_without_a_role_sees_no_private_contact_data(client, place, no_role_user):
    ContactFactory(place=place, name="Ms Sato", email="sato@city.example.jp", public_consent=True)
    html = text(login(client, no_role_user).get("/places/testville/"))
    assert "Ms Sato" in html and "sato@city.example.jp" not in html


def test_editors_see_edit_buttons_and_administrators_history(client, place, focal_point, other_place, admin_user):
    html = text(login(client, focal_point).get("/places/testville/"))
    assert 'href="/places/testville/edit/"' in html and 'href="/places/testville/need/add/"' in html
    assert 'href="/places/testville/history/"' not in html
    html = text(client.get("/places/otherton/"))
    assert 'href="/places/otherton/edit/"' not in html
    html = text(login(client, admin_user).get("/places/testville/"))
    assert 'href="/places/testville/history/"' in html


def test_japanese_after_switching_language(client, place):
    NeedFactory(place=place, theme=theme("solid-waste"), description={"en": "English text", "ja": "日本語の説明"})
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/places/testville/"})
    assert response.status_code == 302 and response["Location"] == "/places/testville/"
    html = text(client.get("/places/testville/"))
    assert '<html lang="ja">' in html
    assert "<h1>テスト市</h1>" in html
    assert "日本語の説明" in html and "English text" not in html
    assert "廃棄物管理" in html
    assert "ニーズ" in html  # interface strings come from the Japanese catalogue


def test_language_switch_keeps_the_current_path(client, place):
    html = text(client.get("/places/testville/?x=1"))
    assert 'action="/i18n/setlang/"' in html
    assert '<input type="hidden" name="next" value="/places/testville/?x=1">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_unpublished_place_is_404_for_visitors(client):
    PlaceFactory(slug="draft", is_published=False)
    response = client.get("/places/draft/")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_unknown_place_gives_the_404_page(client):
    response = client.get("/places/no-such-place/")
    assert response.status_code == 404
    html = text(response)
    assert "Page not found" in html and 'class="site-header"' in html and 'action="/places/"' in html


# --- editing the profile ----------------------------------------------------------------------

def test_focal_point_edits_own_place(client, focal_point, place):
    login(client, focal_point)
    form = client.get("/places/testville/edit/")
    html = text(form)
    assert form.status_code == 200
    assert f'name="version" value="{place.version}"' in html
    assert '<option value="JP" selected>Japan</option>' in html
    assert 'name="published"' not in html  # publishing is for officers
    response = client.post("/places/testville/edit/", {
        "name": "Testville", "name_ja": "テスト市", "level": "city", "country": "JP", "population": "12345",
        "hazards": ["flood"], "coastal": "on", "summary_en": "A new summary.", "version": place.version,
    })
    assert response.status_code == 302 and response["Location"] == "/places/testville/"
    place.refresh_from_db()
    assert place.population == 12345 and place.hazards == ["flood"] and place.coastal
    assert place.summary["en"] == "A new summary." and place.is_published
    assert AuditEntry.objects.filter(actor=focal_point).exists()
    assert "The profile was saved." in text(client.get("/places/testville/"))


def test_officer_may_unpublish(client, officer, place):
    login(client, officer)
    assert 'name="published"' in text(client.get("/places/testville/edit/"))
    client.post("/places/testville/edit/", {"name": "Testville", "level": "city", "country": "JP",
                                            "version": place.version})
    place.refresh_from_db()
    assert not place.is_published


def test_invalid_profile_shows_field_errors_and_saves_nothing(client, focal_point, place):
    login(client, focal_point)
    response = client.post("/places/testville/edit/", {
        "name": "Testville", "level": "city", "country": "JP", "population": "lots", "lat": "100", "lon": "10",
        "timezone": "Mars/Olympus", "website": "not a site",
    })
    html = text(response)
    assert response.status_code == 200
    assert "Please correct the errors below." in html
    assert '<a href="#id_population">Population: must be a number</a>' in html
    assert '<div class="errors" id="id_population_error"><p class="error">' in html
    assert 'aria-invalid="true" aria-describedby="id_population_error"' in html  # the field names its error
    assert "must be at most 90" in html and "is not an IANA time zone" in html and "must be an http(s) address" in html
    assert 'value="lots"' in html  # what was typed is kept
    place.refresh_from_db()
    assert place.population == 100_000 and place.latitude == 35.0


def test_required_name_and_unknown_country_are_field_errors(client, focal_point, place):
    login(client, focal_point)
    html = text(client.post("/places/testville/edit/", {"name": "", "level": "city", "country": "ZZ"}))
    assert "Name in English: This field is required." in html
    assert "Country: Select a valid choice." in html


def test_unknown_parent_is_a_field_error(client, focal_point, place):
    login(client, focal_point)
    html = text(client.post("/places/testville/edit/", {"name": "Testville", "level": "city", "country": "JP",
                                                        "parent": "atlantis"}))
    assert "Part of: no place with id or URL name &#x27;atlantis&#x27;" in html


def test_stale_version_is_reported(client, officer, place):
    login(client, officer)
    response = client.post("/places/testville/edit/", {"name": "Changed", "level": "city", "country": "JP",
                                                       "version": 99})
    html = text(response)
    assert response.status_code == 200
    assert "Someone else changed this place while you were editing" in html
    assert "Open the latest version" in html
    place.refresh_from_db()
    assert place.name_en == "Testville"


def test_focal_point_cannot_edit_other_place(client, focal_point, other_place):
    login(client, focal_point)
    response = client.get("/places/otherton/edit/")
    assert response.status_code == 403 and "You may not do this" in text(response)
    assert client.post("/places/otherton/edit/", {"name": "X", "country": "JP", "level": "city"}).status_code == 403
    other_place.refresh_from_db()
    assert other_place.name_en == "Otherton"


def test_service_refusal_is_a_403(client, focal_point, place, monkeypatch):
    from renkei.core.errors import NotAllowed

    def refuse(**kwargs):
        raise NotAllowed("no")

    monkeypatch.setattr(services, "place_update", refuse)
    login(client, focal_point)
    response = client.post("/places/testville/edit/", {"name": "Testville", "country": "JP", "level": "city"})
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client, place):
    for url in ("/places/testville/edit/", "/places/testville/need/add/", "/places/testville/history/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('web:login')}?next={url}"


# --- needs and expertise ----------------------------------------------------------------------

def test_need_add_edit_delete(client, focal_point, place):
    login(client, focal_point)
    form = text(client.get("/places/testville/need/add/"))
    assert "Add a need" in form and 'name="description_ja"' in form
    response = client.post("/places/testville/need/add/", {
        "theme": "solid-waste", "scale": "4", "description_en": "Landfill is full", "description_ja": "埋立地が満杯",
        "evidence": "https://example.org/report\nhttps://example.org/plan",
    })
    assert response.status_code == 302 and response["Location"] == "/places/testville/#need"
    need = Need.objects.get(place=place)
    assert need.priority == 4 and need.description == {"en": "Landfill is full", "ja": "埋立地が満杯"}
    assert need.evidence == ["https://example.org/report", "https://example.org/plan"]
    form = text(client.get(f"/places/testville/need/{need.pk}/edit/"))
    assert "Landfill is full" in form and "https://example.org/report\nhttps://example.org/plan" in form
    response = client.post(f"/places/testville/need/{need.pk}/edit/", {
        "theme": "solid-waste", "scale": "2", "description_en": "", "description_ja": "",
    })
    html = text(response)
    assert "is required in at least one language" in html and "Please correct the errors below." in html
    need.refresh_from_db()
    assert need.priority == 4
    response = client.post(f"/places/testville/need/{need.pk}/edit/", {
        "theme": "solid-waste", "scale": "2", "description_en": "Landfill is nearly full",
    })
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.priority == 2 and need.description == {"en": "Landfill is nearly full"}
    assert client.get(f"/places/testville/need/{need.pk}/delete/").status_code == 405
    assert client.post(f"/places/testville/need/{need.pk}/delete/").status_code == 302
    assert not Need.objects.filter(pk=need.pk).exists()
    assert "The need was deleted." in text(client.get("/places/testville/"))


def test_expertise_uses_maturity(client, focal_point, place):
    login(client, focal_point)
    assert "Maturity" in text(client.get("/places/testville/expertise/add/"))
    client.post("/places/testville/expertise/add/", {"theme": "tsunami-reconstruction", "scale": "5",
                                                      "description_ja": "復興の経験"})
    exp = Expertise.objects.get(place=place)
    assert exp.maturity == 5 and exp.description == {"ja": "復興の経験"}


def test_statement_with_bad_input_names_the_field(client, focal_point, place):
    login(client, focal_point)
    html = text(client.post("/places/testville/expertise/add/", {
        "theme": "solid-waste", "scale": "3", "description_en": "We sort waste", "evidence": "not a link",
    }))
    assert "Evidence links: &#x27;not a link&#x27; is not an http(s) address" in html
    html = text(client.post("/places/testville/need/add/", {"theme": "nope", "scale": "9", "description_en": "x"}))
    assert "Theme: Select a valid choice." in html and "Priority: Select a valid choice." in html
    assert not place.expertise.exists() and not place.needs.exists()


def test_statement_theme_select_is_grouped(client, focal_point, place):
    html = text(login(client, focal_point).get("/places/testville/need/add/"))
    assert '<optgroup label="Environment and green growth">' in html
    assert '<option value="solid-waste">' in html


def test_htmx_inline_need_add(client, focal_point, place):
    login(client, focal_point)
    form = client.get("/places/testville/need/add/", **HTMX)
    html = text(form)
    assert "<html" not in html and 'hx-post="/places/testville/need/add/"' in html
    bad = client.post("/places/testville/need/add/", {"theme": "solid-waste", "scale": "3"}, **HTMX)
    assert "is required in at least one language" in text(bad) and "<section" not in text(bad)
    assert not place.needs.exists()
    response = client.post("/places/testville/need/add/", {"theme": "solid-waste", "scale": "3",
                                                           "description_en": "Inline need"}, **HTMX)
    html = text(response)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#need" and response["HX-Reswap"] == "outerHTML"
    assert '<section class="card statement-section" id="need"' in html
    assert "Inline need" in html and "The need was added." in html and "<html" not in html


def test_htmx_inline_edit_cancel_and_delete(client, focal_point, place):
    need = NeedFactory(place=place, theme=theme("solid-waste"), description={"en": "Old text"})
    login(client, focal_point)
    html = text(client.get(f"/places/testville/need/{need.pk}/edit/", **HTMX))
    assert "Old text" in html and "Edit need" in html and 'hx-get="/places/testville/need/"' in html
    section = client.get("/places/testville/need/", **HTMX)
    assert "Old text" in text(section) and section["HX-Retarget"] == "#need"
    assert client.get("/places/testville/need/")["Location"] == "/places/testville/#need"
    response = client.post(f"/places/testville/need/{need.pk}/delete/", **HTMX)
    assert response["HX-Retarget"] == "#need"
    assert "The need was deleted." in text(response) and "No needs recorded yet." in text(response)
    assert not Need.objects.filter(pk=need.pk).exists()


def test_focal_point_cannot_change_statements_of_other_places(client, focal_point, other_place):
    need = NeedFactory(place=other_place)
    login(client, focal_point)
    assert client.get("/places/otherton/need/add/").status_code == 403
    assert client.post("/places/otherton/need/add/", {"theme": "solid-waste", "scale": "3",
                                                       "description_en": "x"}).status_code == 403
    assert client.post(f"/places/otherton/need/{need.pk}/edit/", {"theme": "solid-waste", "scale": "1",
                                                                   "description_en": "x"}).status_code == 403
    assert client.post(f"/places/otherton/need/{need.pk}/delete/").status_code == 403
    assert Need.objects.filter(pk=need.pk, priority=3).exists()


def test_statement_of_another_place_or_kind_is_404(client, focal_point, place, other_place):
    need = NeedFactory(place=other_place)
    login(client, focal_point)
    assert client.get(f"/places/testville/need/{need.pk}/edit/").status_code == 404
    assert client.get("/places/testville/wish/add/").status_code == 404


# --- history ----------------------------------------------------------------------------------

def test_history_is_for_administrators(client, admin_user, officer, focal_point, place):
    services.place_update(actor=officer, place=place, data={"population": 5})
    need = services.statement_create(actor=officer, place=place, kind="need",
                                     data={"theme": "solid-waste", "priority": 2, "description": {"en": "Gone soon"}})
    services.statement_delete(actor=officer, obj=need)
    ExpertiseFactory(place=place)
    for user in (officer, focal_point):
        response = login(client, user).get("/places/testville/history/")
        assert response.status_code == 403
    html = text(login(client, admin_user).get("/places/testville/history/"))
    assert "History of Testville" in html
    assert "<code>population</code> 100000" in html and "officer" in html
    assert html.count('class="badge badge-delete"') == 1  # the deleted need is still in the history
    assert html.count('class="badge badge-create"') == 1


# --- themes -----------------------------------------------------------------------------------

def test_theme_pages(client, place):
    NeedFactory(place=place, theme=theme("compact-city"), description={"en": "Our centre is emptying"})
    html = text(client.get("/themes/"))
    assert "Compact city and transit-oriented development" in html
    assert 'href="/themes/compact-city/"' in html
    html = text(client.get("/themes/compact-city/"))
    assert "43030" in html and "11.2" in html and "Public transport" in html
    assert "Urban planning and land use" in html  # its branch
    assert 'href="/places/testville/"' in html and "Our centre is emptying" in html
    assert 'href="/places/?theme=compact-city"' in html
    assert client.get("/themes/no-such-theme/").status_code == 404


def test_theme_page_lists_synonyms_in_both_languages(client):
    t = theme("solid-waste")
    html = text(client.get("/themes/solid-waste/"))
    assert t.synonyms_en[0] in html and t.synonyms_ja[0] in html


# --- organisations ----------------------------------------------------------------------------

def test_organisation_pages(client, reviewer, place):
    parent = OrganisationFactory(slug="mofa", name_en="Ministry of Foreign Affairs")
    org = OrganisationFactory(slug="jica", name_en="Japan International Cooperation Agency", acronym="JICA",
                              name_ja="国際協力機構", parent=parent, place=place, website="https://www.jica.go.jp/",
                              description={"en": "Japan's development agency."})
    ContactFactory(organisation=org, name="Advisor", email="advisor@example.org", public_consent=True)
    ContactFactory(organisation=org, name="Private Person", email="private@example.org", public_consent=False)
    html = text(client.get("/organisations/"))
    assert "Japan International Cooperation Agency" in html and "(JICA)" in html and "Government" in html
    html = text(client.get("/organisations/jica/"))
    assert "Advisor" in html and "Government" in html and "Japan" in html
    assert "advisor@example.org" not in html and "Private Person" not in html
    assert 'href="/organisations/mofa/"' in html and 'href="/places/testville/"' in html
    assert 'href="https://www.jica.go.jp/"' in html and "Japan&#x27;s development agency." in html
    html = text(login(client, reviewer).get("/organisations/jica/"))
    assert "advisor@example.org" in html and "Private Person" in html
    assert client.get("/organisations/nope/").status_code == 404


def test_organisation_list_filters(client):
    OrganisationFactory(name_en="City of Essen", org_type="11", country="DE")
    OrganisationFactory(name_en="World Bank", org_type="40", country="US", acronym="WB")
    html = text(client.get("/organisations/", {"type": "11"}))
    assert "City of Essen" in html and "World Bank" not in html and "Local government" in html
    html = text(client.get("/organisations/", {"country": "US"}))
    assert "World Bank" in html and "City of Essen" not in html
    html = text(client.get("/organisations/", {"q": "wb"}))
    assert "World Bank" in html and "1 organisation" in html
    assert client.get("/organisations/", {"type": "bogus", "page": "x"}).status_code == 200


# --- admin -------------------------------------------------------------------------------------

def test_admin_lists_and_forms_load(client, boss, place):
    NeedFactory(place=place)
    OrganisationFactory()
    ContactFactory(place=place)
    audit_record(actor=boss, action="update", obj=place, changes={"population": [1, 2]})
    api_token_create(user=boss, name="script")
    for model in ("places/place", "places/organisation", "places/contact", "places/theme", "places/need",
                  "places/expertise", "accounts/user", "accounts/apitoken", "core/auditentry"):
        response = client.get(f"/admin/{model}/")
        assert response.status_code == 200, model
    assert client.get(f"/admin/places/place/{place.pk}/change/").status_code == 200
    assert client.get("/admin/places/place/?q=testville").status_code == 200
    assert client.get("/admin/places/place/?country=JP&level__exact=city&is_published__exact=1").status_code == 200
    assert "Solid waste" in client.get("/admin/places/theme/?q=landfill").content.decode()  # a synonym
    assert client.get(f"/admin/accounts/user/{boss.pk}/change/").status_code == 200


def test_inline_need_edits_are_audited(client, boss, place):
    need = NeedFactory(place=place, priority=2, theme=theme("solid-waste"))
    data = {
        "slug": "testville", "level": "city", "name_en": "Testville", "name_ja": "テスト市", "name_local": "",
        "external_id": "", "country": "JP", "parent": "", "is_published": "on", "latitude": "35",
        "longitude": "135", "timezone": "", "population": "100000", "population_year": "", "area_km2": "",
        "share_65_plus": "", "population_growth": "", "income_group": "", "hazards": "[]", "website": "",
        "summary": '{"en": "A town.", "ja": "町です。"}',
        "needs-TOTAL_FORMS": "2", "needs-INITIAL_FORMS": "1", "needs-MIN_NUM_FORMS": "0", "needs-MAX_NUM_FORMS": "1000",
        "needs-0-id": str(need.pk), "needs-0-place": str(place.pk), "needs-0-theme": str(need.theme_id),
        "needs-0-priority": "5", "needs-0-description": '{"en": "We need help."}', "needs-0-evidence": "[]",
        "needs-1-place": str(place.pk), "needs-1-theme": str(theme("air-quality").pk), "needs-1-priority": "3",
        "needs-1-description": '{"en": "Cleaner air"}', "needs-1-evidence": "[]",
        "expertise-TOTAL_FORMS": "0", "expertise-INITIAL_FORMS": "0", "expertise-MIN_NUM_FORMS": "0",
        "expertise-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/places/place/{place.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    need.refresh_from_db()
    assert need.priority == 5 and need.version == 2
    new = Need.objects.get(place=place, theme__code="air-quality")
    need_entries = AuditEntry.objects.filter(content_type__model="need")
    update = need_entries.get(object_id=str(need.pk), action="update")
    assert update.actor == boss and update.changes == {"priority": [2, 5]}
    assert need_entries.filter(object_id=str(new.pk), action="create").exists()


def test_role_changes_in_the_user_admin_are_audited(client, boss, place):
    user = UserFactory(username="newbie")
    data = {
        "username": "newbie", "email": "newbie@example.org", "first_name": "", "last_name": "", "is_active": "on",
        "display_name": "", "preferred_language": "en", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "1", "role_grants-INITIAL_FORMS": "0", "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000", "role_grants-0-role": "focal_point", "role_grants-0-user": str(user.pk),
        "represented_places-TOTAL_FORMS": "1", "represented_places-INITIAL_FORMS": "0",
        "represented_places-MIN_NUM_FORMS": "0", "represented_places-MAX_NUM_FORMS": "1000",
        "represented_places-0-place": str(place.pk), "represented_places-0-user": str(user.pk),
    }
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert entry.changes["roles"] == [[], ["focal_point"]] and entry.changes["places"] == [[], ["testville"]]


def test_api_token_digest_is_read_only_and_audit_log_cannot_be_changed(client, boss):
    token, _raw = api_token_create(user=boss, name="script")
    html = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.digest in html and 'name="digest"' not in html
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked": "on", "digest": "x" * 64})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked and token.digest != "x" * 64
    assert ApiToken.objects.count() == 1
    entry = AuditEntry.objects.latest("id")
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_admin_delete_is_audited(client, boss):
    place = PlaceFactory(slug="to-delete")
    response = client.post(f"/admin/places/place/{place.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(content_type__model="place", object_id=str(place.pk), action="delete",
                                     actor=boss).exists()


def test_admin_edit_is_audited(client, boss):
    place = PlaceFactory(slug="audited")
    page = client.get(f"/admin/places/place/{place.pk}/change/")
    assert page.status_code == 200
    data = {
        "slug": "audited", "level": "city", "name_en": "Audited", "name_ja": "", "name_local": "", "country": "JP",
        "latitude": "35", "longitude": "135", "population": "777", "hazards": "[]", "summary": "{}",
        "is_published": "on", "income_group": "", "timezone": "", "website": "",
        "needs-TOTAL_FORMS": "0", "needs-INITIAL_FORMS": "0", "expertise-TOTAL_FORMS": "0",
        "expertise-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/places/place/{place.pk}/change/", data)
    assert response.status_code == 302, text(response)[:2000]
    entry = AuditEntry.objects.get(object_id=str(place.pk))
    assert entry.actor == boss and "population" in entry.changes


def test_a_need_in_the_citys_own_words_is_kept_untagged_and_its_suggestion_confirmed(
        client, focal_point, place):
    login(client, focal_point)
    response = client.post("/places/testville/need/add/", {"theme": "", "scale": "4",
                                                           "description_en": "gentrification pressure"}, **HTMX)
    assert response.status_code == 200 and "The need was added." in text(response)
    need = place.needs.get()
    assert need.theme is None and need.description == {"en": "gentrification pressure"}
    services.statement_suggest(kind="need", pk=need.pk, codes=["compact-city", "gone-theme", "solid-waste"])
    html = text(client.get("/places/testville/"))
    assert "Not yet tagged" in html and "Confirm a theme" in html
    assert f'action="/places/testville/need/{need.pk}/tag/"' in html
    assert html.count('name="theme" value=') == 2  # a suggested theme removed since is left out
    response = client.post(f"/places/testville/need/{need.pk}/tag/", {"theme": "compact-city"}, **HTMX)
    assert "The theme was confirmed." in text(response)
    need.refresh_from_db()
    assert need.theme.code == "compact-city" and need.suggested_themes == []
    client.logout()
    assert client.post(f"/places/testville/need/{need.pk}/tag/", {"theme": "solid-waste"}).status_code in (302, 403)
    need.refresh_from_db()
    assert need.theme.code == "compact-city"


def test_visitors_see_an_untagged_need_with_what_it_is_close_to(client, place):
    need = NeedFactory(place=place, theme=None, description={"en": "open innovation"},
                       suggested_themes=["solid-waste"])
    html = text(client.get("/places/testville/"))
    assert "Not yet tagged" in html and "Close to" in html and "open innovation" in html
    assert f"/need/{need.pk}/tag/" not in html
