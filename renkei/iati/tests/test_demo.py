"""The whole demo exports a valid IATI file, and a second load writes nothing."""

import pytest
from django.core.management import call_command

from renkei.iati.demo import iati_demo_load
from renkei.iati.exporting import plan_export, stream_activities
from renkei.iati.tests.helpers import valid

pytestmark = pytest.mark.django_db


def test_the_demo_exports_a_valid_iati_file(capsys):
    call_command("demo", "--no-users")
    assert iati_demo_load() == 0
    plan = plan_export()
    root = valid(b"".join(stream_activities(plan)))
    assert len(root) == plan.count >= 6
    assert [s.slug for s in plan.skipped] == ["eu-international-urban-regional-cooperation"]
    assert root.find(".//document-link/category").get("code") == "A12"
    products = root.findall(".//document-link[@url]")
    assert any("/library/" in link.get("url") for link in products)  # knowledge products from partnerships
