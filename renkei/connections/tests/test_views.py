"""The pages: the dashboard protected for visitors and exact for the focal point, people pages for the
focal points and administrators only, every write the pages offer, the import's per-line report."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.connections.models import ConnectedPerson
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(add):
    add(30, kind="hometown_tax_donor")
    add(2, kind="researcher", country="ID", prefecture="")
    return add(name="Kenji Sample", kind="volunteer", email="kenji@example.org")


def test_a_visitor_sees_protected_figures_only(client, place, crowd):
    page = client.get(f"/places/{place.slug}/connections/")
    text = page.content.decode()
    assert page.status_code == 200 and "data-protected" in text and "33" in text
    assert "Kenji" not in text and "Indonesia" not in text
    csv = client.get(f"/places/{place.slug}/connections/", {"chart": "connections-by-kind", "format": "csv"})
    lines = csv.content.decode().splitlines()
    assert any(line.endswith(",") for line in lines[1:])  # the withheld researchers: an empty cell
    assert client.get(f"/places/{place.slug}/connections/people/").status_code == 302  # to sign in


def test_the_focal_point_sees_exact_figures_and_people(client, place, focal_point, crowd):
    client.force_login(focal_point)
    text = client.get(f"/places/{place.slug}/connections/").content.decode()
    assert "data-exact" in text and "Indonesia" in text
    people = client.get(f"/places/{place.slug}/connections/people/", {"q": "Kenji"}).content.decode()
    assert "Kenji Sample" in people
    assert client.get(f"/places/{place.slug}/connections/people/", {"page": "99999999999"}).status_code == 200
    sheet = client.get(f"/places/{place.slug}/connections/people/", {"download": "csv"})
    assert "Kenji Sample" in sheet.content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["officer", "no_role_user", "reviewer"])
def test_others_may_not_see_people(request, client, place, crowd, who):
    user = request.getfixturevalue(who)
    client.force_login(type(user).objects.get(pk=user.pk))
    assert client.get(f"/places/{place.slug}/connections/people/").status_code == 403
    assert client.get(f"/connections/people/{crowd.pk}/").status_code == 403
    assert client.get(f"/connections/people/{crowd.pk}/export.json").status_code == 403
    assert client.post(f"/connections/people/{crowd.pk}/erase/", {"confirm": "erase"}).status_code == 403
    assert ConnectedPerson.objects.filter(pk=crowd.pk).exists()


def test_add_edit_contact_withdraw_export_erase(client, place, focal_point):
    client.force_login(focal_point)
    form = {"name": "Mio Sample", "kind": "repeat_visitor", "since": "2022-04-01", "country": "jp",
            "prefecture": "04", "stage": "2", "consent_purpose": "Newsletter", "consent_scope": "contact",
            "consent_given_on": "2022-04-01", "consent_source": "sign-up sheet"}
    missing = client.post(f"/places/{place.slug}/connections/people/new/", {**form, "consent_source": ""})
    assert missing.status_code == 200 and "consent_source" in missing.context["form"].errors
    made = client.post(f"/places/{place.slug}/connections/people/new/", form)
    person = ConnectedPerson.objects.get(name="Mio Sample")
    assert made.status_code == 302 and person.country == "JP"
    url = f"/connections/people/{person.pk}/"
    assert client.post(f"{url}edit/", {**form, "stage": "4"}).status_code == 302
    person.refresh_from_db()
    assert person.stage == 4
    client.post(url, {"interaction": "1", "kind": "visit", "on": "2025-05-05", "note": "festival"})
    person.refresh_from_db()
    assert person.interactions == 1
    bad = client.post(url, {"interaction": "1", "kind": "visit", "on": "1999-01-01"})
    assert bad.status_code == 200 and "on" in bad.context["interaction_form"].errors
    exported = json.loads(client.get(f"{url}export.json").content)
    assert exported["name"] == "Mio Sample" and exported["interaction_log"][0]["note"] == "festival"
    client.post(f"{url}withdraw/")
    person.refresh_from_db()
    assert person.withdrawn_at is not None
    assert "Mio Sample" not in client.get(f"/places/{place.slug}/connections/people/").content.decode() \
        .split('id="withdrawn"')[0]
    client.post(f"{url}erase/")  # not confirmed: nothing happens
    assert ConnectedPerson.objects.filter(pk=person.pk).exists()
    client.post(f"{url}erase/", {"confirm": "erase"})
    assert not ConnectedPerson.objects.exists()
    assert "Mio" not in str(list(AuditEntry.objects.values_list("object_repr", "changes")))


def test_the_import_page_reports_each_line_and_writes_nothing(client, place, focal_point):
    client.force_login(focal_point)
    head = "name,kind,since,country,consent_purpose,consent_given_on,consent_source\n"
    bad = head + "A,volunteer,2019-01-01,JP,N,2019-01-01,f\nB,volunteer,2019-13-01,JP,N,2019-01-01,f\n"
    answer = client.post(f"/places/{place.slug}/connections/import/",
                         {"file": SimpleUploadedFile("p.csv", bad.encode())})
    assert answer.status_code == 422 and "line 3" in answer.content.decode()
    assert not ConnectedPerson.objects.exists()
    good = head + "A,volunteer,2019-01-01,JP,N,2019-01-01,f\n"
    assert client.post(f"/places/{place.slug}/connections/import/",
                       {"file": SimpleUploadedFile("p.csv", good.encode())}).status_code == 302
    assert ConnectedPerson.objects.count() == 1


def test_retention_is_set_on_the_people_page(client, place, focal_point):
    client.force_login(focal_point)
    client.post(f"/places/{place.slug}/connections/retention/", {"years": "7"})
    assert place.connection_retention.years == 7
    client.post(f"/places/{place.slug}/connections/retention/", {"years": "-3"})
    place.refresh_from_db()
    assert place.connection_retention.years == 7


def test_participants_join_from_the_activity_page(client, place, focal_point):
    from datetime import timedelta

    from django.utils import timezone

    from renkei.activities.models import Activity, Participant

    now = timezone.now()
    activity = Activity.objects.create(slug="tour", kind="study_tour", title={"en": "Tour"},
                                       starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    ids = [Participant.objects.create(activity=activity, name=n).pk for n in ("Ana", "Budi")]
    client.force_login(focal_point)
    assert "connect/" in client.get("/activities/tour/").content.decode()
    page = client.get("/activities/tour/connect/")
    assert page.status_code == 200 and "Budi" in page.content.decode()
    done = client.post("/activities/tour/connect/", {
        "place": place.slug, "kind": "study_tour_alumnus", "participants": [str(ids[0])],
        "consent_purpose": "Alumni news", "consent_scope": "contact", "consent_given_on": "2025-01-01",
        "consent_source": "form at the tour"})
    assert done.status_code == 302
    assert list(ConnectedPerson.objects.values_list("name", flat=True)) == ["Ana"]


def test_a_visitor_cannot_use_the_activity_step(client, place):
    assert client.get("/activities/nothing/connect/").status_code in (302, 404)


def test_the_person_page_in_japanese_says_whether_they_may_be_contacted(client, place, focal_point, add):
    # "yes"/"no" and "Contacts" mean other things in other catalogues (a decision adopted, addresses)
    from django.utils import translation

    person = add(name="Kenji Sample", consent={"purpose": "newsletter", "scope": "contact",
                                                "given_on": "2024-04-01", "source": "form"})
    client.force_login(focal_point)
    client.cookies["django_language"] = "ja"
    with translation.override("ja"):
        page = client.get(f"/connections/people/{person.pk}/").content.decode()
        people = client.get(f"/places/{place.slug}/connections/people/").content.decode()
    assert "<dd data-may-contact>可</dd>" in page and "<h2>接点</h2>" in page and "採用" not in page
    assert ">可</option>" in people and ">不可</option>" in people and "採用" not in people
