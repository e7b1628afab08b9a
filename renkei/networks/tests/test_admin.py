"""The networks in the admin: saves go through the services; money is read-only."""

import pytest

from renkei.networks.models import Invoice, Network, NetworkMember

pytestmark = pytest.mark.django_db


def test_admin_lists_and_edits_through_the_services(staff_client, citynet):
    for model in ("network", "networkmember", "invoice", "payment", "office", "meeting", "fundingentry",
                  "networkproject"):
        assert staff_client.get(f"/admin/networks/{model}/").status_code == 200, model
    invoice = Invoice.objects.filter(network=citynet).first()
    assert staff_client.get(f"/admin/networks/invoice/{invoice.pk}/change/").status_code == 200
    response = staff_client.post(f"/admin/networks/network/{citynet.pk}/change/", {
        "name_en": "CityNet", "name_ja": "シティネット", "acronym": "CityNet", "host": "", "founded_year": "1987",
        "regions": '["North-East Asia", "South-East Asia (maritime)", "South-East Asia (mainland)"]',
        "website": "https://citynet-ap.org", "description": "{}", "currency": "XYZ", "hhi_threshold": "0.3",
        "silent_months": "12", "is_sample": "on", "is_published": "on"})
    assert response.status_code == 200 and "ISO 4217" in response.content.decode()
    citynet.refresh_from_db()
    assert citynet.currency == "USD"
    member = NetworkMember.objects.get(network=citynet, place__slug="hai-phong")
    response = staff_client.post(f"/admin/networks/networkmember/{member.pk}/change/", {
        "tier": "full", "region": "Atlantis", "joined_on": "2012-02-01", "left_on": ""})
    assert response.status_code == 200 and "choose one of the network" in response.content.decode()


def test_a_network_with_invoices_is_not_deleted(staff_client, citynet):
    staff_client.post(f"/admin/networks/network/{citynet.pk}/delete/", {"post": "yes"})
    assert Network.objects.filter(pk=citynet.pk).exists()
