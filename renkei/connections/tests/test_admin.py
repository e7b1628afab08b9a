"""The admin writes through the services: consent first, erasure that scrubs the audit log."""

import pytest

from renkei.connections.models import ConnectedPerson, Tally
from renkei.core.models import AuditEntry
from renkei.core.tests.forms import management

pytestmark = pytest.mark.django_db


def _inlines(person=None):
    n = person.consents.count() if person else 0
    m = person.interaction_set.count() if person else 0
    k = person.stage_changes.count() if person else 0
    data = {**management("consents", n, n), **management("interaction_set", m, m),
            **management("stage_changes", k, k)}
    for i, consent in enumerate(person.consents.all() if person else []):
        data.update({f"consents-{i}-id": str(consent.pk), f"consents-{i}-person": str(person.pk)})
    for i, change in enumerate(person.stage_changes.all() if person else []):
        data.update({f"stage_changes-{i}-id": str(change.pk), f"stage_changes-{i}-person": str(person.pk)})
    return data


FORM = {"name": "Admin Sample", "kind": "researcher", "since": "2020-01-01", "country": "JP", "prefecture": "13",
        "stage": "1", "email": "", "notes": "", "reference": "", "activity": "", "partnership": ""}


def test_the_admin_adds_with_consent_edits_and_erases(staff_client, place):
    url = "/admin/connections/connectedperson/add/"
    assert staff_client.get(url).status_code == 200
    no_consent = staff_client.post(url, {**FORM, "place": str(place.pk), **_inlines()})
    assert no_consent.status_code == 200 and not ConnectedPerson.objects.exists()
    assert "consent_purpose" in no_consent.context["adminform"].form.errors
    made = staff_client.post(url, {**FORM, "place": str(place.pk), "consent_purpose": "Research contact",
                                   "consent_scope": "contact", "consent_given_on": "2021-01-01",
                                   "consent_source": "e-mail", **_inlines()})
    assert made.status_code == 302, made.context["adminform"].form.errors
    person = ConnectedPerson.objects.get()
    assert person.consents.count() == 1 and Tally.objects.filter(place=place, dimension="stage").get().count == 1
    change = f"/admin/connections/connectedperson/{person.pk}/change/"
    assert staff_client.get(change).status_code == 200
    edited = staff_client.post(change, {**FORM, "stage": "3", **_inlines(person)})
    assert edited.status_code == 302
    person.refresh_from_db()
    assert person.stage == 3
    assert [(c.from_stage, c.to_stage, c.source) for c in person.stage_changes.all()][-1] == (1, 3, "edit")
    assert "Stage changes" in staff_client.get(change).content.decode()
    assert staff_client.post(f"/admin/connections/connectedperson/{person.pk}/delete/", {"post": "yes"}
                             ).status_code == 302
    assert not ConnectedPerson.objects.exists()
    assert "Admin Sample" not in str(list(AuditEntry.objects.values_list("object_repr", "changes")))


def test_the_admin_withdraws_consent(staff_client, place, add):
    people = add(2)
    staff_client.post("/admin/connections/connectedperson/", {
        "action": "withdraw", "_selected_action": [str(p.pk) for p in people]})
    assert ConnectedPerson.objects.filter(withdrawn_at__isnull=False).count() == 2


def test_the_admin_sets_a_retention_rule(staff_client, place):
    staff_client.post("/admin/connections/retentionrule/add/", {"place": str(place.pk), "years": "4"})
    assert place.connection_retention.years == 4
