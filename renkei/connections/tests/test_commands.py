"""`renkei connections import|retention|recount`: the same services as the pages and the API."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from renkei.connections.models import ConnectedPerson, Tally

pytestmark = pytest.mark.django_db

HEAD = "name,kind,since,country,prefecture,consent_purpose,consent_given_on,consent_source\n"


def test_import_from_the_command_line(place, tmp_path, capsys):
    good = tmp_path / "people.csv"
    good.write_text(HEAD + "Aki Sample,volunteer,2019-01-01,JP,03,News,2019-01-01,form\n", encoding="utf-8")
    call_command("connections", "import", place.slug, str(good))
    assert "1 connected people imported" in capsys.readouterr().out
    assert ConnectedPerson.objects.get().prefecture == "03"


def test_a_bad_line_is_named_and_nothing_written(place, tmp_path, capsys):
    bad = tmp_path / "people.csv"
    bad.write_text(HEAD + "A,volunteer,2019-01-01,JP,03,N,2019-01-01,f\nB,volunteer,2019-01-01,JP,99,N,2019-01-01,f\n",
                   encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("connections", "import", place.slug, str(bad))
    assert "line 3: prefecture" in capsys.readouterr().err
    assert not ConnectedPerson.objects.exists()


def test_unknown_place_user_and_file(place, tmp_path):
    with pytest.raises(CommandError, match="no place"):
        call_command("connections", "import", "nowhere", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no user"):
        call_command("connections", "import", place.slug, str(tmp_path / "x.csv"), "--as", "ghost")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("connections", "import", place.slug, str(tmp_path / "missing.csv"))


def test_retention_and_recount(place, focal_point, add, capsys):
    from renkei.connections import services

    add(since=date(2010, 1, 1), last_contact_on=date(2011, 1, 1))
    add(since=date(2024, 1, 1))
    services.retention_set(actor=focal_point, place=place, data={"years": 5})
    call_command("connections", "retention")
    assert "1 connected people erased" in capsys.readouterr().out
    Tally.objects.all().delete()
    call_command("connections", "recount", place.slug)
    assert "1 connected people counted" in capsys.readouterr().out
    assert Tally.objects.filter(dimension="stage").get().count == 1
