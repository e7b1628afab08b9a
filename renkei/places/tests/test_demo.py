import pytest
from django.core.management import call_command

from renkei.accounts.models import User
from renkei.core.models import AuditEntry
from renkei.places.demo import demo_load, read_demo
from renkei.places.models import Contact, Expertise, Need, Organisation, Place

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(Place.objects.values_list("slug", "version")),
        sorted(Organisation.objects.values_list("slug", "version")),
        Need.objects.count(), Expertise.objects.count(), Contact.objects.count(), AuditEntry.objects.count(),
    )


def test_demo_is_idempotent():
    first = demo_load()
    assert first["places"] >= 20
    before = _state()
    second = demo_load()
    assert set(second.values()) == {0}
    assert _state() == before


def test_demo_matches_the_seed_facts():
    demo_load()
    kamaishi = Place.objects.get(slug="kamaishi")
    assert kamaishi.name_ja == "釜石市"
    assert kamaishi.country == "JP"
    assert 25_000 <= kamaishi.population <= 40_000
    assert "tsunami" in kamaishi.hazards
    assert kamaishi.needs.count() >= 2 and kamaishi.expertise.count() >= 2
    assert kamaishi.summary.get("en") and kamaishi.summary.get("ja")
    for slug in ["banda-aceh", "kitakyushu", "kobe", "toyama", "yokohama", "koriyama", "essen", "turku",
                 "kamakura", "umea", "nagano", "obuse"]:
        assert Place.objects.filter(slug=slug).exists(), slug
    assert Organisation.objects.filter(acronym="JICA").exists()
    toyama = Place.objects.get(slug="toyama")
    assert toyama.expertise.filter(theme__code="compact-city").exists()
    # public contact data only: nobody's e-mail or phone is invented
    # the people named in the sources have no e-mail here; only the sample desks, at example.org
    assert all(c.email.endswith("@example.org") and "(sample contact)" in c.name
               for c in Contact.objects.exclude(email=""))
    assert Contact.objects.exclude(email="").exists()
    assert not Contact.objects.exclude(phone="").exists()


def test_demo_shows_texts_not_yet_tagged():
    demo_load()
    untagged = Need.objects.get(place__slug="kitakyushu", theme=None)
    assert "heavy industry" in untagged.description["en"] and untagged.description["ja"]
    assert Expertise.objects.filter(place__slug="koriyama", theme=None).count() == 1
    demo_load()  # found again by its words, not added twice
    assert Need.objects.filter(place__slug="kitakyushu", theme=None).count() == 1


def test_every_demo_city_is_bilingual():
    for row in read_demo()["places"]:
        if row["level"] == "city":
            assert row["summary_en"] and row["summary_ja"], row["slug"]
            for item in row["needs"] + row["expertise"]:
                assert item["description"].get("en") and item["description"].get("ja"), row["slug"]


def test_demo_command_creates_role_accounts_once(capsys):
    call_command("demo")
    assert "renkei-demo" in capsys.readouterr().out
    kamaishi_user = User.objects.get(username="kamaishi")
    assert kamaishi_user.represented_places.get().place.slug == "kamaishi"
    call_command("demo")
    assert User.objects.filter(username="kamaishi").count() == 1
