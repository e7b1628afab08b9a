"""``renkei indicators import`` and ``renkei indicators export``."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.indicators.models import Value

pytestmark = pytest.mark.django_db

GOOD = "place,indicator,year,value,source\ntestville,11.6.2,2021,14,Monitoring\ntestville,11.6.2,2022,12,Monitoring\n"


def test_import_then_export(tmp_path, place, officer):
    path = tmp_path / "values.csv"
    path.write_text(GOOD, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("indicators", "import", str(path), "--as", "officer", stdout=out, stderr=err)
    assert "2 new" in out.getvalue()
    assert Value.objects.filter(entered_by=officer).count() == 2
    exported = tmp_path / "out.csv"
    call_command("indicators", "export", "-o", str(exported), "--indicator", "11.6.2", stdout=out, stderr=err)
    assert exported.read_text(encoding="utf-8").splitlines()[1] == "testville,11.6.2,2021,14.0,Monitoring,,,"
    stdout = io.StringIO()
    call_command("indicators", "export", "--place", "testville", stdout=stdout, stderr=err)
    assert len(stdout.getvalue().splitlines()) == 3


def test_a_bad_file_names_its_lines_and_writes_nothing(tmp_path, place):
    path = tmp_path / "values.csv"
    path.write_text(GOOD + "testville,11.2.1,2022,101,Survey\nnowhere,11.6.2,2022,1,x\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 4 rows have errors; nothing was written"):
        call_command("indicators", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 4: value: must be at most 100 for this unit" in err.getvalue()
    assert "line 5: place" in err.getvalue()
    assert not Value.objects.exists()
    with pytest.raises(CommandError):
        call_command("indicators", "import", str(tmp_path / "missing.csv"), stdout=io.StringIO(), stderr=err)
    with pytest.raises(CommandError, match="no user"):
        call_command("indicators", "import", str(path), "--as", "ghost", stdout=io.StringIO(), stderr=err)
