"""Writing partnerships through the API: the same services, permissions and messages as the pages;
updates write only the fields sent, on the row as it is now, with If-Match; bad input is a 4xx naming
the field and leaves nothing half written."""

import pytest
from django.test import Client

from renkei.accounts.tests.clients import as_user, error
from renkei.core.models import AuditEntry
from renkei.partnerships.models import Action, Member, Milestone, Objective, Partnership, Pilot

pytestmark = pytest.mark.django_db

API = "/api/v1"
TRIANGLE = "jica-kamaishi-banda-aceh"


def _json(client, method, path, data=None, **headers):
    return getattr(client, method)(f"{API}{path}", data, content_type="application/json", **headers)


def test_create_a_partnership_with_members_roles_and_focal_points(demo, officer, focal_point):
    client = as_user(officer)
    body = {"title": {"en": "Kitakyushu — Surabaya green city", "ja": "北九州市・スラバヤ市 環境協力"},
            "kind": "bilateral", "themes": [],
            "members": [{"place": "kitakyushu", "role": "4", "focal_points": [focal_point.pk]},
                        {"place": "surabaya", "role": "4"}]}
    created = _json(client, "post", "/partnerships", body)
    assert created.status_code == 201, created.content
    p = created.json()
    assert p["id"] and p["version"] == 1 and p["updated_at"] and p["status"] == "proposed"
    assert [(m["place"], m["focal_points"]) for m in p["members"]] == [("kitakyushu", [focal_point.pk]),
                                                                         ("surabaya", [])]
    assert AuditEntry.objects.filter(action="create", object_id=str(p["id"])).exists()
    one = error(_json(client, "post", "/partnerships", {**body, "members": body["members"][:1]}), 422)
    assert one["fields"] == {"members": ["A partnership needs at least two members."]}
    unknown = error(_json(client, "post", "/partnerships", {**body, "members": [
        {"place": "atlantis"}, {"place": "surabaya", "focal_points": [999999]}]}), 422)
    assert set(unknown["fields"]) == {"members.0.place", "members.1.focal_points"}
    role = error(_json(client, "post", "/partnerships", {**body, "members": [{"place": "kobe", "role": "9"}]}), 422)
    assert "members.0.role" in role["fields"]
    assert Partnership.objects.filter(title__en=body["title"]["en"]).count() == 1


def test_wrong_roles_are_refused(demo, reviewer, focal_point):
    body = {"title": {"en": "Nope"}, "kind": "bilateral", "members": [{"place": "kobe"}, {"place": "cebu-city"}]}
    assert error(_json(as_user(reviewer), "post", "/partnerships", body), 403)
    assert error(_json(as_user(focal_point), "post", "/partnerships", body), 403)  # not a place they act for
    assert error(_json(as_user(focal_point), "patch", f"/partnerships/{TRIANGLE}", {"kind": "network"}), 403)
    assert error(_json(as_user(focal_point), "post", f"/partnerships/{TRIANGLE}/objectives",
                       {"text": {"en": "x"}}), 403)
    assert error(_json(as_user(reviewer), "post", f"/partnerships/{TRIANGLE}/pilots", {"title": {"en": "x"}}), 403)
    assert _json(Client(), "post", "/partnerships", body).status_code == 401


def test_a_patch_writes_only_what_it_is_sent_and_checks_if_match(demo, officer):
    client = as_user(officer)
    read = client.get(f"{API}/partnerships/{TRIANGLE}")
    tag, before = read["ETag"], read.json()
    changed = _json(client, "patch", f"/partnerships/{TRIANGLE}", {"description": {"en": "Revitalisation"}},
                    HTTP_IF_MATCH=tag)
    assert changed.status_code == 200, changed.content
    after = changed.json()
    assert after["description"] == {"en": "Revitalisation"} and after["version"] == before["version"] + 1
    assert {k: v for k, v in after.items() if k not in ("description", "version", "updated_at")} == \
        {k: v for k, v in before.items() if k not in ("description", "version", "updated_at")}
    stale = error(_json(client, "patch", f"/partnerships/{TRIANGLE}", {"kind": "network"}, HTTP_IF_MATCH=tag), 412)
    assert "If-Match" in stale["fields"]
    assert Partnership.objects.get(slug=TRIANGLE).kind == "triangular"
    assert error(_json(client, "patch", f"/partnerships/{TRIANGLE}", {"kind": None}), 422)["fields"] == {
        "kind": ["is required"]}


def test_members_are_added_changed_and_removed(demo, officer, focal_point):
    client = as_user(officer)
    p = Partnership.objects.get(slug=TRIANGLE)
    added = _json(client, "post", f"/partnerships/{TRIANGLE}/members",
                  {"organisation": "world-bank", "role": "1", "focal_points": [focal_point.pk]})
    assert added.status_code == 201, added.content
    member = added.json()
    assert (member["organisation"], member["role"], member["focal_points"]) == ("world-bank", "1", [focal_point.pk])
    both = error(_json(client, "post", f"/partnerships/{TRIANGLE}/members", {"place": "kobe", "organisation": "jica"}),
                 422)
    assert "place" in both["fields"]
    url = f"/partnerships/{TRIANGLE}/members/{member['id']}"
    tag = f'"v{member["version"]}"'
    changed = _json(client, "patch", url, {"role": "3"}, HTTP_IF_MATCH=tag).json()
    assert changed["role"] == "3" and changed["focal_points"] == [focal_point.pk]  # not sent, kept
    assert error(_json(client, "patch", url, {"focal_points": []}, HTTP_IF_MATCH=tag), 412)
    assert _json(client, "patch", url, {"focal_points": []}).json()["focal_points"] == []
    listed = client.get(f"{API}/partnerships/{TRIANGLE}/members").json()
    assert member["id"] in [m["id"] for m in listed["results"]]
    assert client.delete(f"{API}{url}").status_code == 204
    for m in list(p.members.all())[:-2]:
        assert client.delete(f"{API}/partnerships/{TRIANGLE}/members/{m.pk}").status_code == 204
    last = p.members.first()
    assert error(client.delete(f"{API}/partnerships/{TRIANGLE}/members/{last.pk}"), 422)["fields"] == {
        "members": ["A partnership needs at least two members."]}
    assert p.members.count() == 2
    for bad in ("999999", "x", "99999999999999999999"):
        assert client.delete(f"{API}/partnerships/{TRIANGLE}/members/{bad}").status_code in (404, 422)
    assert Member.objects.filter(partnership=p).count() == 2


def test_the_action_plan_objectives_actions_milestones_and_pilots(demo, officer):
    client = as_user(officer)
    objectives = Objective.objects.filter(partnership__slug=TRIANGLE).count()  # the demo's plan
    objective = _json(client, "post", f"/partnerships/{TRIANGLE}/objectives", {"text": {"ja": "水辺の活性化"}}).json()
    assert objective["text"] == {"en": "", "ja": "水辺の活性化"}
    assert error(_json(client, "post", f"/partnerships/{TRIANGLE}/objectives", {"text": {"en": " "}}), 422)[
        "fields"] == {"text": ["is required"]}
    for empty in ({"text": None}, {"text": {}}):
        assert error(_json(client, "patch", f"/partnerships/{TRIANGLE}/objectives/{objective['id']}", empty),
                     422)["fields"] == {"text": ["is required"]}
    url = f"/partnerships/{TRIANGLE}/objectives/{objective['id']}/actions"
    bad = error(_json(client, "post", url, {"title": {"en": "Tour"}, "owner": "atlantis"}), 422)
    assert bad["fields"] == {"owner": ["no place has this URL name"]}
    late = error(_json(client, "post", url, {"title": {"en": "Tour"}, "starts_on": "2026-05-01",
                                             "due_on": "2026-04-01"}), 422)
    assert "due_on" in late["fields"]
    assert Action.objects.filter(objective_id=objective["id"]).count() == 0
    action = _json(client, "post", url, {"title": {"en": "Tour"}, "budget_eur": "1234.50"}).json()
    assert action["budget_eur"] == "1234.50"
    changed = _json(client, "patch", f"/partnerships/{TRIANGLE}/actions/{action['id']}", {"status": "done"}).json()
    assert changed["status"] == "done" and changed["title"]["en"] == "Tour" and changed["budget_eur"] == "1234.50"
    assert error(_json(client, "patch", f"/partnerships/{TRIANGLE}/actions/{action['id']}", {"status": "lost"}),
                 422)["fields"].keys() == {"status"}
    milestone = _json(client, "post", f"/partnerships/{TRIANGLE}/actions/{action['id']}/milestones",
                      {"title": {"en": "Named"}, "due_on": "2026-06-30"}).json()
    for field in ("due_on", "title"):
        assert error(_json(client, "patch", f"/partnerships/{TRIANGLE}/milestones/{milestone['id']}",
                           {field: None}), 422)["fields"] == {field: ["is required"]}
    done = _json(client, "patch", f"/partnerships/{TRIANGLE}/milestones/{milestone['id']}",
                 {"done_on": "2026-01-15"}).json()
    assert done["done_on"] == "2026-01-15" and done["due_on"] == "2026-06-30"
    one_line = _json(client, "post", f"/partnerships/{TRIANGLE}/actions",
                     {"objective": "Waterfront", "action": "Fair", "due_on": "2026-08-01"})
    assert one_line.status_code == 201 and one_line.json()["title"]["en"] == "Fair"
    plan = client.get(f"{API}/partnerships/{TRIANGLE}/objectives").json()["results"]
    assert [len(o["actions"]) for o in plan if o["id"] == objective["id"]] == [1]
    pilot = _json(client, "post", f"/partnerships/{TRIANGLE}/pilots", {"title": {"en": "Night market"}}).json()
    results = _json(client, "patch", f"/partnerships/{TRIANGLE}/pilots/{pilot['id']}",
                    {"status": "finished", "results": {"en": "Visitors doubled"}}).json()
    assert results["status"] == "finished" and results["title"]["en"] == "Night market"
    other = error(_json(client, "patch", f"/partnerships/koriyama-essen/pilots/{pilot['id']}", {"status": "running"}),
                  404)
    assert other["code"] == "not_found"
    assert Pilot.objects.get(pk=pilot["id"]).status == "finished"
    assert Milestone.objects.filter(action_id=action["id"]).count() == 1
    assert Objective.objects.filter(partnership__slug=TRIANGLE).count() == objectives + 2


def test_long_texts_and_huge_numbers_are_refused_not_failed(demo, officer):
    client = as_user(officer)
    long = _json(client, "post", f"/partnerships/{TRIANGLE}/pilots", {"title": {"en": "x" * 501}})
    assert error(long, 422)["fields"] == {"title": ["must be at most 500 characters"]}
    budget = _json(client, "post", f"/partnerships/{TRIANGLE}/pilots",
                   {"title": {"en": "x"}, "budget_eur": "1" * 20})
    assert "budget_eur" in error(budget, 422)["fields"]
    page = client.get(f"{API}/partnerships/{TRIANGLE}/pilots", {"page": 10**12})
    assert "page" in error(page, 422)["fields"]
    empty = client.get(f"{API}/partnerships/{TRIANGLE}/pilots", {"page": 1000})
    assert empty.status_code == 200 and empty.json()["results"] == []
    nul = _json(client, "post", f"/partnerships/{TRIANGLE}/objectives", {"text": {"en": "a\u0000b"}})
    assert error(nul, 422)["fields"]
    unbounded = client.post(f"{API}/partnerships/{TRIANGLE}/agreements", b"kind=mou",
                            content_type="multipart/form-data")
    assert unbounded.status_code in (400, 422) and unbounded.json()["error"]


def test_a_text_in_a_language_the_site_does_not_hold_is_refused_not_stored_empty(demo, officer):
    """A title under ``xx`` would be kept and never shown: the pilot or objective would have no name."""
    client = as_user(officer)
    before = (Pilot.objects.count(), Objective.objects.count(), Action.objects.count())
    pilot = _json(client, "post", f"/partnerships/{TRIANGLE}/pilots", {"title": {"xx": "Night market"}})
    assert error(pilot, 422)["fields"] == {"title.xx": ["is not a known field"]}
    objective = _json(client, "post", f"/partnerships/{TRIANGLE}/objectives",
                      {"text": {"en": "Waterfront", "fr": "Front de mer"}}, HTTP_ACCEPT_LANGUAGE="ja")
    assert error(objective, 422)["fields"] == {"text.fr": ["不明な項目です"]}
    action = _json(client, "post", f"/partnerships/{TRIANGLE}/actions",
                   {"objective": "Waterfront", "action": "Study tour", "title": {"de": "x"}})
    assert error(action, 422)["fields"]
    assert (Pilot.objects.count(), Objective.objects.count(), Action.objects.count()) == before
    text = _json(client, "post", "/partnerships", {"title": "Night market", "kind": "bilateral"})
    assert error(text, 422)["fields"]["title"] == ["must be an object"]
    ok = _json(client, "post", f"/partnerships/{TRIANGLE}/pilots", {"title": {"ja": "夜市"}})
    assert ok.status_code == 201 and ok.json()["title"]["ja"] == "夜市"


def test_a_selected_application_becomes_a_partnership_only_once(demo, officer, focal_point):
    from renkei.programmes.models import Application

    application = Application.objects.filter(status="selected", place__slug="kobe").get()
    Partnership.objects.filter(application=application).update(application=None)
    client = as_user(officer)
    made = _json(client, "post", f"/applications/{application.pk}/partnership")
    assert made.status_code == 201, made.content
    again = error(_json(client, "post", f"/applications/{application.pk}/partnership"), 422)
    assert again["fields"] == {"application": ["This application already became a partnership."]}
    assert error(_json(as_user(focal_point), "post", f"/applications/{application.pk}/partnership"), 404)


def test_a_member_change_shows_the_partnership_as_changed(demo, officer):
    client = as_user(officer)
    before = client.get(f"{API}/partnerships/{TRIANGLE}").json()
    member = before["members"][0]
    _json(client, "patch", f"/partnerships/{TRIANGLE}/members/{member['id']}", {"role": "3"})
    changed = client.get(f"{API}/partnerships", {"updated_since": before["updated_at"]}).json()["results"]
    assert TRIANGLE in [p["slug"] for p in changed]
    after = client.get(f"{API}/partnerships/{TRIANGLE}").json()
    assert after["updated_at"] > before["updated_at"] and after["version"] == before["version"]
