"""Withdrawing one consent: the use it allowed stops (contact, with the scope ``contact``), the person's
other consents stay and they are still counted; withdrawing the last one is withdrawing all; the audit log
records it; through the service, the API, the page, per role."""

import pytest

from renkei.accounts.permissions import SYSTEM
from renkei.accounts.services import api_token_create
from renkei.connections import selectors, services
from renkei.connections.exporting import people_sheet
from renkei.connections.models import ConnectedPerson, Consent, Tally
from renkei.core.errors import NotAllowed, NotFound
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(add, focal_point):
    """Someone with a record-only consent and a contact consent, and an e-mail address."""
    made = add(name="Two Consents", email="two@example.org", consent={
        "purpose": "Statistics of the connected population", "scope": "record", "given_on": "2023-01-01",
        "source": "form"})
    services.consent_add(actor=focal_point, person=made, data={
        "purpose": "Newsletter about the city", "scope": "contact", "given_on": "2023-02-01", "source": "e-mail"})
    return made


def _contact(person):
    return person.consents.get(scope="contact")


def _total(place):
    return sum(t.count for t in Tally.objects.filter(place=place, dimension="stage"))


def test_withdrawing_the_contact_consent_stops_contact_only(place, focal_point, person):
    assert person.may_contact
    services.consent_withdraw(actor=focal_point, person=person, consent=_contact(person))
    fresh = selectors.person_get(viewer=focal_point, pk=person.pk)
    assert fresh.withdrawn_at is None and not fresh.may_contact
    assert fresh.consents.get(scope="record").withdrawn_at is None
    assert _total(place) == 1  # still counted: the record consent stays
    assert list(selectors.people_list(viewer=focal_point, place=place)) == [fresh]
    assert not selectors.people_list(viewer=focal_point, place=place, contactable=True).exists()
    assert selectors.people_list(viewer=focal_point, place=place, contactable=False).get() == fresh
    sheet = people_sheet(viewer=focal_point, place=place)
    assert [row["email"] for row in sheet.rows] == [None]  # the address is no longer handed out for contact
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("-id").first()
    assert entry.changes == {f"consent #{_contact(person).pk}": ["contact", "withdrawn"]}
    assert "two@example.org" not in str(entry.changes) and "Newsletter" not in str(entry.changes)


def test_the_sheet_gives_the_address_while_contact_is_allowed(place, focal_point, person):
    assert [row["email"] for row in people_sheet(viewer=focal_point, place=place).rows] == ["two@example.org"]


def test_withdrawing_the_record_consent_keeps_them_while_the_contact_consent_stays(place, focal_point, person):
    services.consent_withdraw(actor=focal_point, person=person, consent=person.consents.get(scope="record").pk)
    fresh = ConnectedPerson.objects.get(pk=person.pk)
    assert fresh.withdrawn_at is None and fresh.may_contact and _total(place) == 1


def test_withdrawing_the_last_consent_withdraws_the_person(place, focal_point, person):
    for consent in person.consents.all():
        services.consent_withdraw(actor=focal_point, person=person, consent=consent)
    fresh = ConnectedPerson.objects.get(pk=person.pk)
    assert fresh.withdrawn_at is not None and _total(place) == 0
    assert not fresh.consents.filter(withdrawn_at__isnull=True).exists()
    assert not selectors.people_list(viewer=focal_point, place=place).exists()
    services.consent_withdraw(actor=focal_point, person=fresh, consent=_contact(fresh))  # again: nothing happens
    assert _total(place) == 0


def test_withdraw_all_still_withdraws_every_consent(place, focal_point, person):
    services.consent_withdraw(actor=focal_point, person=person)
    assert not Consent.objects.filter(person=person, withdrawn_at__isnull=True).exists()
    assert _total(place) == 0


def test_someone_elses_consent_or_role_is_refused(place, other_place, focal_point, officer, person, person_data):
    stranger = services.person_create(actor=SYSTEM, place=other_place, data=person_data)
    with pytest.raises(NotFound):
        services.consent_withdraw(actor=focal_point, person=person, consent=stranger.consents.get())
    with pytest.raises(NotAllowed):
        services.consent_withdraw(actor=officer, person=person, consent=_contact(person))
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_the_api_withdraws_one_consent(client, place, focal_point, officer, person):
    url = f"/api/v1/connections/people/{person.pk}/consents/{_contact(person).pk}/withdraw"
    assert client.post(url).status_code == 401
    token = api_token_create(user=officer, name="t")[1]
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    token = api_token_create(user=focal_point, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    done = client.post(url, **auth)
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["may_contact"] is False and body["withdrawn_at"] is None
    assert [c["withdrawn_at"] is not None for c in body["consents"]] == [False, True]
    missing = client.post(f"/api/v1/connections/people/{person.pk}/consents/999999/withdraw", **auth)
    assert missing.status_code == 404 and "consent" in missing.json()["error"]["fields"]
    listed = client.get(f"/api/v1/places/{place.slug}/connections/people", {"contactable": "true"}, **auth).json()
    assert listed["count"] == 0
    listed = client.get(f"/api/v1/places/{place.slug}/connections/people", {"contactable": "false"}, **auth).json()
    assert listed["count"] == 1 and listed["results"][0]["may_contact"] is False


def test_the_person_page_withdraws_one_consent(client, place, focal_point, officer, person):
    url = f"/connections/people/{person.pk}/consents/{_contact(person).pk}/withdraw/"
    client.force_login(officer)
    assert client.post(url).status_code == 403
    client.force_login(focal_point)
    page = client.get(f"/connections/people/{person.pk}/")
    assert page.content.count(b"Withdraw this consent only") == 2 and b"data-may-contact" in page.content
    assert client.post(url).status_code == 302
    page = client.get(f"/connections/people/{person.pk}/")
    assert page.content.count(b"Withdraw this consent only") == 1
    assert b"This consent was withdrawn; the others still apply." in page.content
    people = client.get(f"/places/{place.slug}/connections/people/", {"contact": "no"})
    assert b"Two Consents" in people.content
    assert b"Two Consents" not in client.get(f"/places/{place.slug}/connections/people/", {"contact": "yes"}).content
    assert client.post(f"/connections/people/{person.pk}/consents/999999/withdraw/").status_code == 404
