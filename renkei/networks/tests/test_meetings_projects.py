"""Meetings (quorum, attendance, agenda, decisions and votes) and network projects (linked to members,
partnerships and activities): created and changed by the network's secretariat through the same services
from the pages, the API and the admin; refused for everyone else; bad input names its field and writes
nothing."""

import pytest

from renkei.accounts.services import api_token_create
from renkei.core.errors import ApplicationError, NotAllowed
from renkei.core.models import AuditEntry
from renkei.networks import services
from renkei.networks.models import Meeting, NetworkProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(citynet, net_secretariat):
    return services.meeting_add(actor=net_secretariat, network=citynet, data={
        "title": "Executive committee", "held_on": "2026-03-10", "venue": "Yokohama", "quorum": 2,
        "agenda": ["Budget"], "attendees": ["yokohama"],
        "decisions": [{"text": "Adopt the budget", "votes_for": 5, "votes_against": 1}]})


@pytest.fixture
def project(citynet, net_secretariat):
    return services.project_add(actor=net_secretariat, network=citynet, data={
        "title": "Resilience exchange", "starts_on": "2026-01-01", "members": ["yokohama"]})


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_the_secretariat_changes_a_meeting_field_by_field(citynet, net_secretariat, meeting):
    services.meeting_update(actor=net_secretariat, meeting=meeting, data={
        "title_ja": "執行委員会", "attendees": ["yokohama", "kobe"],
        "decisions": [{"text": "Adopt the budget", "votes_for": 5, "votes_against": 1},
                      {"text": "Hold the forum in Kobe", "votes_for": 1, "votes_against": 4, "abstentions": 1}]})
    meeting.refresh_from_db()
    assert meeting.title == {"en": "Executive committee", "ja": "執行委員会"} and meeting.venue == "Yokohama"
    assert sorted(m.key for m in meeting.attendees.all()) == ["kobe", "yokohama"]
    assert [(d.text_value, d.adopted) for d in meeting.decisions.all()] == [
        ("Adopt the budget", True), ("Hold the forum in Kobe", False)]
    entry = AuditEntry.objects.filter(content_type__model="meeting", object_id=str(meeting.pk), action="update").get()
    assert entry.changes["present"] == [1, 2] and entry.changes["decisions"] == [1, 2]


def test_a_bad_meeting_edit_writes_nothing(citynet, net_secretariat, meeting):
    for data, field in (({"attendees": ["yokohama", "atlantis"]}, "attendees"), ({"quorum": 0}, "quorum"),
                        ({"title": ""}, "title"), ({"title": None}, "title"), ({"held_on": None}, "held_on"),
                        ({"venue": "a\x00b"}, "venue"), ({"venue": "x" * 201}, "venue"),
                        ({"decisions": [{"text": "", "votes_for": 1}]}, "decisions.0.text"),
                        ({"decisions": [{"text": "x", "votes_for": -1}]}, "decisions.0.votes_for")):
        with pytest.raises(ApplicationError) as caught:
            services.meeting_update(actor=net_secretariat, meeting=meeting, data={"venue": "Kobe", **data})
        assert field in caught.value.errors, (data, caught.value.errors)
    meeting.refresh_from_db()
    assert meeting.venue == "Yokohama" and meeting.attendees.count() == 1 and meeting.decisions.count() == 1


def test_only_the_secretariat_changes_meetings_and_projects(citynet, meeting, project, other_secretariat, kobe_rep):
    for who in (other_secretariat, kobe_rep):
        with pytest.raises(NotAllowed):
            services.meeting_update(actor=who, meeting=meeting, data={"venue": "Elsewhere"})
        with pytest.raises(NotAllowed):
            services.project_update(actor=who, project=project, data={"title": "Taken over"})
    meeting.refresh_from_db()
    project.refresh_from_db()
    assert meeting.venue == "Yokohama" and project.title_text == "Resilience exchange"


def test_the_secretariat_links_a_project_to_partnerships_and_activities(activities_demo, citynet, net_secretariat,
                                                                       project):
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    partnership, activity = Partnership.objects.order_by("pk").first(), Activity.objects.order_by("pk").first()
    services.project_update(actor=net_secretariat, project=project, data={
        "partnerships": [partnership.slug], "activities": [activity.slug], "ends_on": "2027-12-31"})
    project.refresh_from_db()
    assert list(project.partnerships.all()) == [partnership] and list(project.activities.all()) == [activity]
    assert [m.key for m in project.members.all()] == ["yokohama"] and str(project.ends_on) == "2027-12-31"
    with pytest.raises(ApplicationError) as caught:
        services.project_update(actor=net_secretariat, project=project, data={
            "partnerships": ["no-such-partnership"], "ends_on": "2025-01-01"})
    assert set(caught.value.errors) == {"partnerships", "ends_on"}
    assert list(project.partnerships.all()) == [partnership]


def test_the_api_reads_and_changes_meetings_and_projects(client, citynet, net_secretariat, other_secretariat,
                                                          meeting, project):
    url = f"/api/v1/networks/citynet/meetings/{meeting.pk}"
    assert client.get(url).status_code == 401
    assert client.patch(url, {"venue": "x"}, content_type="application/json",
                        **_bearer(other_secretariat)).status_code == 403
    auth = _bearer(net_secretariat)
    read = client.get(url, **auth).json()
    assert read["quorate"] is False and read["attendees"] == ["yokohama"] and read["decisions"][0]["adopted"]
    changed = client.patch(url, {"attendees": ["yokohama", "kobe"], "quorum": 2}, content_type="application/json",
                           **auth)
    assert changed.status_code == 200 and changed.json()["quorate"] is True
    bad = client.patch(url, {"quorum": 0, "venue": "Kobe"}, content_type="application/json", **auth)
    assert bad.status_code == 422 and "quorum" in bad.json()["error"]["fields"]
    assert Meeting.objects.get(pk=meeting.pk).venue == "Yokohama"
    assert client.get("/api/v1/networks/citynet/meetings/999999", **auth).status_code == 404
    purl = f"/api/v1/networks/citynet/projects/{project.pk}"
    done = client.patch(purl, {"title": "Resilience exchange 2", "members": []}, content_type="application/json",
                        **auth)
    assert done.status_code == 200 and done.json()["members"] == [] and done.json()["title"] == "Resilience exchange 2"
    assert client.patch(purl, {"activities": ["nope"]}, content_type="application/json", **auth).status_code == 422
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    assert "patch" in schema["/api/v1/networks/{slug}/meetings/{pk}"]
    assert "patch" in schema["/api/v1/networks/{slug}/projects/{pk}"]


def test_the_meeting_pages(client, citynet, net_secretariat, other_secretariat, kobe_rep):
    new = "/networks/citynet/meetings/new/"
    assert client.get(new).status_code in (302, 403)
    for who in (other_secretariat, kobe_rep):
        client.force_login(who)
        assert client.get(new).status_code == 403
        assert client.post(new, {"title": "x", "held_on": "2026-01-01"}).status_code == 403
    client.force_login(net_secretariat)
    page = client.get(new)
    assert page.status_code == 200 and b'name="attendees"' in page.content
    bad = client.post(new, {"title": "", "held_on": "2026-05-01", "quorum": "3",
                            "decisions": "Adopt it | many | 0 | 0"})
    assert bad.status_code == 200 and not Meeting.objects.filter(held_on="2026-05-01").exists()
    errors = bad.context["form"].errors
    assert "decisions" in errors
    bad = client.post(new, {"title": "", "held_on": "2026-05-01", "quorum": "3"})
    assert "title" in bad.context["form"].errors
    made = client.post(new, {"title": "General assembly", "title_ja": "総会", "held_on": "2026-05-01",
                             "venue": "Kobe", "quorum": "2", "agenda": "Budget\n\nElections",
                             "attendees": ["yokohama", "kobe"],
                             "decisions": "Adopt the budget | 12 | 1 | 0\nElect the president | 3 | 9 | 1"})
    assert made.status_code == 302
    meeting = Meeting.objects.get(held_on="2026-05-01")
    assert meeting.agenda == ["Budget", "Elections"] and meeting.attendees.count() == 2
    assert [d.adopted for d in meeting.decisions.all()] == [True, False]
    engagement = client.get("/networks/citynet/engagement/").content.decode()
    assert "General assembly" in engagement and f"/networks/citynet/meetings/{meeting.pk}/edit/" in engagement
    edit = f"/networks/citynet/meetings/{meeting.pk}/edit/"
    form = client.get(edit).context["form"]
    assert form.initial["decisions"].startswith("Adopt the budget | 12 | 1 | 0")
    data = {**form.initial, "attendees": ["yokohama"], "venue": "Kobe City Hall"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    assert client.post(edit, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == "Kobe City Hall" and meeting.attendees.count() == 1
    assert meeting.decisions.count() == 2 and meeting.title == {"en": "General assembly", "ja": "総会"}
    assert client.get("/networks/citynet/meetings/999999/edit/").status_code == 404


def test_the_project_pages(client, activities_demo, citynet, net_secretariat, other_secretariat):
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership

    new = "/networks/citynet/projects/new/"
    client.force_login(other_secretariat)
    assert client.get(new).status_code == 403
    client.force_login(net_secretariat)
    partnership = Partnership.objects.filter(is_published=True).order_by("pk").first()
    activity = Activity.objects.order_by("pk").first()
    bad = client.post(new, {"title": "Waste to energy", "starts_on": "2026-06-01", "ends_on": "2026-01-01"})
    assert bad.status_code == 200 and "ends_on" in bad.context["form"].errors
    assert not NetworkProject.objects.filter(title__en="Waste to energy").exists()
    made = client.post(new, {"title": "Waste to energy", "starts_on": "2026-01-01", "members": ["kobe"],
                             "partnerships": [partnership.slug], "activities": [activity.slug]})
    assert made.status_code == 302
    project = NetworkProject.objects.get(title__en="Waste to energy")
    assert list(project.partnerships.all()) == [partnership] and list(project.activities.all()) == [activity]
    edit = f"/networks/citynet/projects/{project.pk}/edit/"
    form = client.get(edit).context["form"]
    data = {k: ("" if v is None else v) for k, v in {**form.initial, "activities": []}.items()}
    assert client.post(edit, data).status_code == 302
    assert not project.activities.exists() and list(project.partnerships.all()) == [partnership]
    assert b"Waste to energy" in client.get("/networks/citynet/engagement/").content


def test_the_forms_in_japanese(client, citynet, net_secretariat):
    client.force_login(net_secretariat)
    client.cookies["django_language"] = "ja"
    page = client.get("/networks/citynet/meetings/new/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "会議" in page and "Record a meeting" not in page
    page = client.get("/networks/citynet/projects/new/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Add a network project" not in page
