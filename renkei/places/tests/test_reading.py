"""Places in Japanese are listed in the order of their names' readings (gojūon order), in English by
their English names. A reading is given in kana or made from the Japanese name (pykakasi, offline);
katakana — foreign cities — is kept as hiragana so that both sort together. Gojūon order is not the
order of code points: ゔ goes with う, voiced and small kana after their plain letter, the long mark as
the vowel it lengthens."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from renkei.accounts.tests.clients import as_user, error
from renkei.places import services
from renkei.places.models import Place
from renkei.places.reading import is_kana, reading_of, sort_key, to_hiragana
from renkei.places.selectors import name_key, name_order, place_list
from renkei.places.tests.factories import PlaceFactory

API = "/api/v1"


def test_the_automatic_reading_of_japanese_names():
    assert reading_of("釜石市") == "かまいしし"
    assert reading_of("北九州市") == "きたきゅうしゅうし"
    assert reading_of("ウメオ市") == "うめおし"  # a foreign city in katakana: hiragana
    assert reading_of("バンダ・アチェ") == "ばんだあちぇ"  # separators left out
    assert reading_of("ノルトライン＝ヴェストファーレン州") == "のるとらいんゔぇすとふぁーれんしゅう"
    assert reading_of("") == ""
    assert reading_of("Tokyo") == ""  # letters have no kana reading


def test_a_given_reading_is_kana_and_stored_as_hiragana():
    assert to_hiragana("カマイシ シ") == "かまいしし"
    assert is_kana("とぅるく") and is_kana("エッセン") and not is_kana("釜石") and not is_kana("kamaishi")


def test_a_place_gets_its_reading_when_none_is_given(officer):
    made = services.place_create(actor=officer, data={"name": "Kamaishi", "name_ja": "釜石市", "country": "JP"})
    assert made.name_ja_reading == "かまいしし"
    given = services.place_create(actor=officer, data={"name": "Japan", "name_ja": "日本", "country": "JP",
                                                       "level": "country", "name_ja_reading": "ニホン"})
    assert given.name_ja_reading == "にほん"  # the automatic one would be にっぽん
    unnamed = services.place_create(actor=officer, data={"name": "Essen", "country": "DE"})
    assert unnamed.name_ja_reading == ""


def test_the_reading_follows_a_new_name_unless_one_is_given(officer):
    place = services.place_create(actor=officer, data={"name": "Japan", "name_ja": "日本", "country": "JP",
                                                       "level": "country", "name_ja_reading": "にほん"})
    services.place_update(actor=officer, place=place, data={"population": 5})
    place.refresh_from_db()
    assert place.name_ja_reading == "にほん"  # an update that leaves the name alone keeps the reading
    services.place_update(actor=officer, place=place, data={"name_ja": "日本国"})
    place.refresh_from_db()
    assert place.name_ja_reading == reading_of("日本国")
    services.place_update(actor=officer, place=place, data={"name_ja_reading": "にほんこく"})
    place.refresh_from_db()
    assert place.name_ja_reading == "にほんこく"
    services.place_update(actor=officer, place=place, data={"name_ja_reading": ""})  # emptied: made again
    place.refresh_from_db()
    assert place.name_ja_reading == reading_of("日本国")


def test_a_reading_in_kanji_is_refused(officer):
    from renkei.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        services.place_create(actor=officer, data={"name": "Kamaishi", "name_ja": "釜石市", "country": "JP",
                                                   "name_ja_reading": "釜石"})
    assert "name_ja_reading" in refused.value.errors


@pytest.fixture
def places(db):
    """English and Japanese alphabetical orders differ: Kamaishi < Obuse < Umeå < Yokohama, but
    うめお < おぶせ < かまいし < よこはま; Essen has no Japanese name and comes last in Japanese."""
    for name_en, name_ja in [("Yokohama", "横浜市"), ("Kamaishi", "釜石市"), ("Umeå", "ウメオ市"),
                             ("Obuse", "小布施町"), ("Essen", "")]:
        PlaceFactory(name_en=name_en, name_ja=name_ja, slug=name_en.lower().replace("å", "a"))


def test_places_in_english_are_in_the_order_of_their_english_names(places, anonymous):
    with translation.override("en"):
        names = [p.name_en for p in place_list(viewer=anonymous)]
    assert names == ["Essen", "Kamaishi", "Obuse", "Umeå", "Yokohama"]


def test_places_in_japanese_are_in_gojuon_order_of_their_readings(places, anonymous):
    with translation.override("ja"):
        names = [p.name for p in place_list(viewer=anonymous)]
        in_memory = [p.name for p in sorted(Place.objects.all(), key=name_key())]
    assert names == ["ウメオ市", "小布施町", "釜石市", "横浜市", "Essen"]
    assert in_memory == names
    assert name_order("place__", language="en") == ["place__name_en", "place__id"]


def test_the_places_page_in_japanese_lists_places_by_reading(places, client):
    page = client.get("/places/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    positions = [page.index(name) for name in ["ウメオ市", "小布施町", "釜石市", "横浜市"]]
    assert positions == sorted(positions)
    english = client.get("/places/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    positions = [english.index(name) for name in ["Kamaishi", "Obuse", "Umeå", "Yokohama"]]
    assert positions == sorted(positions)


def test_the_api_reads_and_writes_the_reading(officer, places):
    body = Client().get(f"{API}/places/kamaishi").json()
    assert body["name_ja_reading"] == "かまいしし"
    client = as_user(officer)
    response = client.post(f"{API}/places", {"name": "Kobe", "name_ja": "神戸市", "country": "JP"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name_ja_reading"] == "こうべし"
    response = client.patch(f"{API}/places/kobe", {"name_ja_reading": "コウベ"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["name_ja_reading"] == "こうべ"
    err = error(client.patch(f"{API}/places/kobe", {"name_ja_reading": "神戸"}, content_type="application/json"),
                422)
    assert "name_ja_reading" in err["fields"]
    listed = Client().get(f"{API}/places", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert [p["slug"] for p in listed["results"]][:2] == ["umea", "obuse"]


def test_the_place_form_edits_the_reading(client, officer, places):
    client.force_login(officer)
    form = client.get("/places/kamaishi/edit/").content.decode()
    assert 'name="name_ja_reading"' in form and 'value="かまいしし"' in form


def test_the_sort_key_is_gojuon_order():
    readings = ["えき", "うみ", "ゔぇねつぃあ", "う", "んじゃめな", "かき", "がっこう", "かっぱ", "らんぷ", "らーめん",
                "らあめん", "ああ", "ぁあ", "ぱり", "はり", "ばり", "つる", "っつ", "づる", "あ"]
    assert sorted(readings, key=sort_key) == [
        "あ", "ぁあ", "ああ",  # small before large
        "う", "ゔぇねつぃあ", "うみ", "えき",  # ゔ is う with a voicing mark: among the う, before え
        "かき", "がっこう", "かっぱ",  # the letters first (かき < かつこう < かつは), the marks only between equals
        "っつ", "つる", "づる",  # small < plain < voiced
        "はり", "ばり", "ぱり",  # plain < voiced < semi-voiced
        "らーめん", "らあめん", "らんぷ",  # the long mark is the vowel it lengthens, before a written one
        "んじゃめな",
    ]
    assert sort_key("ヴェネツィア") == sort_key("ゔぇねつぃあ")  # katakana sorts as hiragana
    assert sort_key("") == ""
    assert sorted(["ゔ", "ん", "う", "え"], key=sort_key) == ["う", "ゔ", "え", "ん"]


@pytest.fixture
def kana_places(db):
    """Readings whose code-point order is not gojūon order: ゔ (U+3094) and ー (U+30FC) come after ん."""
    for name_en, name_ja in [("Venice", "ヴェネツィア"), ("Ueda", "上田市"), ("Ebetsu", "江別市"),
                             ("N'Djamena", "ンジャメナ"), ("Rahmen", "ラーメン"), ("Ranpu", "ランプ"), ("Umi", "海"),
                             ("Essen", "")]:
        PlaceFactory(name_en=name_en, name_ja=name_ja, slug=name_en.lower().replace("'", ""))


KANA_ORDER = ["うえだし", "ゔぇねつぃあ", "うみ", "えべつし", "らーめん", "らんぷ", "んじゃめな", ""]


def test_places_with_voiced_u_and_long_marks_sort_in_gojuon_order(kana_places, anonymous):
    with translation.override("ja"):
        listed = [p.name_ja_reading for p in place_list(viewer=anonymous)]
        in_memory = [p.name_ja_reading for p in sorted(Place.objects.all(), key=name_key())]
    assert listed == KANA_ORDER
    assert in_memory == KANA_ORDER


def test_the_sort_key_follows_the_reading(officer, kana_places):
    venice = Place.objects.get(slug="venice")
    assert venice.name_ja_sort == sort_key("ゔぇねつぃあ")
    services.place_update(actor=officer, place=venice, data={"name_ja_reading": "ヴェネチア"})
    venice.refresh_from_db()
    assert (venice.name_ja_reading, venice.name_ja_sort) == ("ゔぇねちあ", sort_key("ゔぇねちあ"))
    services.place_update(actor=officer, place=venice, data={"name_ja": "ベネチア"})  # the reading follows the name
    venice.refresh_from_db()
    assert (venice.name_ja_reading, venice.name_ja_sort) == ("べねちあ", sort_key("べねちあ"))
    services.place_update(actor=officer, place=venice, data={"name_ja": "", "name_ja_reading": ""})
    venice.refresh_from_db()
    assert (venice.name_ja_reading, venice.name_ja_sort) == ("", "")


def test_the_migration_gives_kept_places_their_sort_key(kana_places):
    Place.objects.update(name_ja_sort="")
    importlib.import_module("renkei.places.migrations.0007_place_name_ja_sort").fill_sort_keys(apps, None)
    assert {p.name_ja_reading: p.name_ja_sort for p in Place.objects.all()} == {r: sort_key(r) for r in KANA_ORDER}
