import pytest
from django.urls import reverse

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.core.models import AuditEntry
from renkei.places.models import Need
from renkei.places.tests.factories import ContactFactory, ExpertiseFactory, NeedFactory, PlaceFactory, theme

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_home_shows_counts_and_map(client, place):
    NeedFactory(place=place)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="worldmap"' in html
    assert 'class="marker marker-city"' in html
    assert "Testville" in html


def test_place_list_filters_and_pagination(client, settings):
    settings.RENKEI_PAGE_SIZE = 2
    PlaceFactory(name_en="Kobe", population=1_500_000)
    PlaceFactory(name_en="Obuse", population=11_000)
    PlaceFactory(name_en="Essen", country="DE", population=580_000)
    PlaceFactory(name_en="Iwate", level="region", population=1_200_000)
    html = client.get("/places/", {"country": "DE"}).content.decode()
    assert "Essen" in html and "Kobe" not in html
    html = client.get("/places/", {"level": "region"}).content.decode()
    assert "Iwate" in html and "Kobe" not in html
    html = client.get("/places/", {"max_population": "20000"}).content.decode()
    assert "Obuse" in html and "Kobe" not in html
    html = client.get("/places/", {"q": "kob"}).content.decode()
    assert "Kobe" in html and "Obuse" not in html
    page2 = client.get("/places/", {"page": "2"}).content.decode()
    assert "Page 2 of 2" in page2


def test_theme_filter(client):
    t = theme("compact-city")
    toyama = PlaceFactory(name_en="Toyama")
    ExpertiseFactory(place=toyama, theme=t)
    PlaceFactory(name_en="Elsewhere")
    html = client.get("/places/", {"theme": "urban-planning"}).content.decode()
    assert "Toyama" in html and "Elsewhere" not in html


def test_bad_filter_value_gives_a_message_not_an_error(client, place):
    response = client.get("/places/", {"min_population": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters are not valid" in html
    assert "Testville" in html


def test_htmx_request_returns_only_the_results(client, place):
    response = client.get("/places/", {"q": "Test"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Testville" in html
    assert "<html" not in html


def test_place_page_shows_profile_needs_and_expertise(client, place):
    NeedFactory(place=place, theme=theme("solid-waste"), description={"en": "Sorting household waste"})
    ExpertiseFactory(place=place, theme=theme("tsunami-reconstruction"), description={"en": "Rebuilt the port"})
    html = client.get("/places/testville/").content.decode()
    assert "Sorting household waste" in html
    assert "Rebuilt the port" in html
    assert "Solid waste management" in html


def test_place_page_hides_private_contact_data_from_anonymous(client, place, reviewer):
    ContactFactory(place=place, name="Ms Sato", email="sato@city.example.jp", public_consent=True)
    ContactFactory(place=place, name="Mr Hidden", email="hidden@city.example.jp", public_consent=False)
    html = client.get("/places/testville/").content.decode()
    assert "Ms Sato" in html and "sato@city.example.jp" not in html and "Mr Hidden" not in html
    html = login(client, reviewer).get("/places/testville/").content.decode()
    assert "sato@city.example.jp" in html and "Mr Hidden" in html


def test_japanese_after_switching_language(client, place):
    NeedFactory(place=place, theme=theme("solid-waste"), description={"en": "English text", "ja": "日本語の説明"})
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/places/testville/"})
    assert response.status_code == 302
    html = client.get("/places/testville/").content.decode()
    assert 'lang="ja"' in html
    assert "テスト市" in html
    assert "日本語の説明" in html and "English text" not in html
    assert "廃棄物管理" in html


def test_unpublished_place_is_404_for_visitors(client):
    PlaceFactory(slug="draft", is_published=False)
    response = client.get("/places/draft/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_focal_point_edits_own_place(client, focal_point, place):
    login(client, focal_point)
    form = client.get("/places/testville/edit/")
    assert form.status_code == 200
    response = client.post("/places/testville/edit/", {
        "name": "Testville", "name_ja": "テスト市", "level": "city", "country": "JP", "population": "12345",
        "hazards": ["flood"], "version": place.version,
    })
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.population == 12345 and place.hazards == ["flood"]
    assert AuditEntry.objects.filter(actor=focal_point).exists()


def test_invalid_profile_shows_field_error_and_saves_nothing(client, focal_point, place):
    login(client, focal_point)
    response = client.post("/places/testville/edit/", {
        "name": "Testville", "level": "city", "country": "JP", "population": "lots", "lat": "100", "lon": "10",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be a number" in html and "must be at most 90" in html
    assert "Please correct the errors below." in html
    place.refresh_from_db()
    assert place.population == 100_000


def test_stale_version_is_reported(client, officer, place):
    login(client, officer)
    response = client.post("/places/testville/edit/", {"name": "Testville", "level": "city", "country": "JP",
                                                       "version": 99})
    assert "Someone else changed this place" in response.content.decode()


def test_focal_point_cannot_edit_other_place(client, focal_point, other_place):
    login(client, focal_point)
    assert client.get("/places/otherton/edit/").status_code == 403
    assert client.post("/places/otherton/edit/", {"name": "X", "country": "JP", "level": "city"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, place):
    response = client.get("/places/testville/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_need_add_edit_delete(client, focal_point, place):
    login(client, focal_point)
    response = client.post("/places/testville/need/add/", {
        "theme": "solid-waste", "scale": "4", "description_en": "Landfill is full", "description_ja": "",
        "evidence": "https://example.org/report",
    })
    assert response.status_code == 302
    need = Need.objects.get(place=place)
    assert need.priority == 4 and need.evidence == ["https://example.org/report"]
    response = client.post(f"/places/testville/need/{need.pk}/edit/", {
        "theme": "solid-waste", "scale": "2", "description_en": "", "description_ja": "",
    })
    assert "is required in at least one language" in response.content.decode()
    need.refresh_from_db()
    assert need.priority == 4
    assert client.post(f"/places/testville/need/{need.pk}/delete/").status_code == 302
    assert not Need.objects.filter(pk=need.pk).exists()


def test_need_with_bad_evidence_link_names_the_field(client, focal_point, place):
    login(client, focal_point)
    response = client.post("/places/testville/expertise/add/", {
        "theme": "solid-waste", "scale": "3", "description_en": "We sort waste", "evidence": "not a link",
    })
    assert "is not an http(s) address" in response.content.decode()
    assert not place.expertise.exists()


def test_history_is_for_administrators(client, admin_user, officer, place):
    from renkei.places import services

    services.place_update(actor=officer, place=place, data={"population": 5})
    login(client, officer)
    assert client.get("/places/testville/history/").status_code == 403
    login(client, admin_user)
    html = client.get("/places/testville/history/").content.decode()
    assert "population" in html and "officer" in html


def test_theme_pages(client):
    html = client.get("/themes/").content.decode()
    assert "Compact city and transit-oriented development" in html
    html = client.get("/themes/compact-city/").content.decode()
    assert "43030" in html and "11.2" in html and "Public transport" in html
    assert client.get("/themes/no-such-theme/").status_code == 404


def test_organisation_pages(client, reviewer):
    from renkei.places.tests.factories import OrganisationFactory

    org = OrganisationFactory(slug="jica", name_en="Japan International Cooperation Agency", acronym="JICA")
    ContactFactory(organisation=org, name="Advisor", email="advisor@example.org")
    assert "Japan International Cooperation Agency" in client.get("/organisations/").content.decode()
    html = client.get("/organisations/jica/").content.decode()
    assert "Advisor" in html and "Government" in html and "advisor@example.org" not in html
    assert "advisor@example.org" in login(client, reviewer).get("/organisations/jica/").content.decode()


def test_static_files_are_served_locally(client):
    html = client.get("/").content.decode()
    assert "/static/renkei/vendor/htmx.min.js" in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]


def test_admin_edit_is_audited(client, db):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    place = PlaceFactory(slug="audited")
    login(client, admin)
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
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(place.pk))
    assert entry.actor == admin and "population" in entry.changes
