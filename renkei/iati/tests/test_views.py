import pytest
from django.test import Client
from django.urls import reverse

from renkei.iati.models import PublishingSettings
from renkei.iati.tests.helpers import valid
from renkei.partnerships.models import Partnership


def test_the_activity_file_is_public_valid_and_streamed(client, publishing):
    response = client.get(reverse("iati:activities"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/xml")
    valid(b"".join(response.streaming_content))


def test_polling_with_the_etag_gets_304_until_the_data_changes(client, publishing):
    etag = client.get(reverse("iati:activities"))["ETag"]
    assert client.get(reverse("iati:activities"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.head(reverse("iati:activities"))["ETag"] == etag  # a registry may only ask whether it changed
    assert client.post(reverse("iati:activities")).status_code == 405
    p = Partnership.objects.get(slug="kamakura-umea")
    p.save()  # any change of a partnership changes the file
    assert client.get(reverse("iati:activities"), HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("name", ["iati:activities", "iati:organisation"])
def test_the_files_answer_another_method_405_before_the_csrf_check(name, officer, publishing):
    """A registry or a person that POSTs to a published file learns it is read-only (405 naming GET and
    HEAD), signed in or not, rather than a 403 about a CSRF token it has no use for."""
    for signed_in in (False, True):
        client = Client(enforce_csrf_checks=True)
        if signed_in:
            client.force_login(officer)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(reverse(name))
            assert response.status_code == 405, (method, signed_in, response.status_code)
            assert response["Allow"] == "GET, HEAD"
        assert client.get(reverse(name)).status_code == 200
        assert client.head(reverse(name)).status_code == 200


def test_the_publishing_pages_still_check_the_csrf_token(officer, admin_user, publishing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(reverse("iati:settings"), {"reporting_organisation": "jica"}).status_code == 403
    assert client.post(reverse("iati:document-delete", args=[1])).status_code == 403


def test_one_programme_or_404(client, publishing):
    url = reverse("iati:activities")
    response = client.get(url, {"programme": "eu-international-urban-cooperation"})
    assert b"koriyama-essen" in b"".join(response.streaming_content)
    assert client.get(url, {"programme": "nothing-here"}).status_code == 404


def test_not_set_up_is_a_404_that_says_why(client, demo):
    response = client.get(reverse("iati:activities"))
    assert response.status_code == 404 and "not set up" in response.content.decode()
    assert client.get(reverse("iati:organisation")).status_code == 404


def test_the_organisation_file(client, publishing):
    response = client.get(reverse("iati:organisation"))
    assert response.status_code == 200 and b"<organisation-identifier>XM-DAC-701-8" in response.content


@pytest.mark.parametrize(("who", "sees_problems"), [("admin_user", True), ("officer", True), ("focal_point", False),
                                                    ("reviewer", False), (None, False)])
def test_the_publishing_page_per_role(client, request, publishing, who, sees_problems):
    if who:
        client.force_login(request.getfixturevalue(who))
    content = client.get(reverse("iati:publishing")).content.decode()
    assert "/iati/activities.xml" in content
    assert ("(IURC)" in content) is sees_problems  # the programme that cannot be published


def test_the_publishing_page_lists_what_cannot_be_published(client, officer, publishing):
    Partnership.objects.filter(slug="kamakura-umea").update(starts_on=None)
    client.force_login(officer)
    assert "no start date" in client.get(reverse("iati:publishing")).content.decode()


def test_the_settings_page_saves_through_the_service(client, admin_user, demo):
    client.force_login(admin_user)
    url = reverse("iati:settings")
    assert client.get(url).status_code == 200
    form = {"reporting_organisation": "jica", "organisation_identifier": "XM-DAC-701-8", "site_address": "",
            "collaboration_type": "1", "aid_type": "D02", "flow_type": "10", "finance_type": "110",
            "currency": "EUR", "language": "en"}
    response = client.post(url, {**form, "organisation_identifier": "bad id"})
    assert response.status_code == 200 and "use letters" in response.content.decode()
    assert not PublishingSettings.objects.exists()
    assert client.post(url, form).status_code == 302
    assert PublishingSettings.objects.get().organisation_identifier == "XM-DAC-701-8"


def test_only_administrators_see_the_settings_page(client, officer, demo):
    client.force_login(officer)
    assert client.get(reverse("iati:settings")).status_code == 403
    assert client.get(reverse("iati:settings")).status_code == 403
