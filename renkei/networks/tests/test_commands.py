"""``renkei networks import|schedule|remind``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from renkei.networks.models import NetworkMember

pytestmark = pytest.mark.django_db


def test_import_members_from_csv(citynet, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("place,tier,region,volunteers_for_presidency\nkamaishi,associate,North-East Asia,yes\n"
                    "toyama,full,North-East Asia,no\n")
    out = StringIO()
    call_command("networks", "import", "citynet", str(path), stdout=out, stderr=StringIO())
    assert "2 member(s) imported" in out.getvalue()
    assert NetworkMember.objects.get(network=citynet, place__slug="kamaishi").volunteers_for_presidency


def test_a_bad_line_is_named_and_nothing_written(citynet, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("place,tier\nkamaishi,associate\ntoyama,platinum\n")
    before = NetworkMember.objects.count()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("networks", "import", "citynet", str(path), stdout=StringIO(), stderr=err)
    assert "line 3: tier" in err.getvalue()
    assert NetworkMember.objects.count() == before


def test_schedule_prints_the_proposal_or_the_refusal(citynet):
    out = StringIO()
    call_command("networks", "schedule", "citynet", "--terms", "3", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["ok"] and len(body["proposals"]) == 3 and body["proposals"][0]["years"] == "2027-2028"
    with pytest.raises(CommandError, match="at most 1 term"):
        call_command("networks", "schedule", "citynet", "--terms", "20", "--max-terms", "1", stdout=StringIO())
    with pytest.raises(CommandError, match="No such network"):
        call_command("networks", "schedule", "nowhere", "--terms", "3", stdout=StringIO())


def test_remind(citynet):
    out = StringIO()
    call_command("networks", "remind", "citynet", stdout=out)
    assert "reminders queued" in out.getvalue()
