from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from renkei.iati.tests.helpers import valid
from renkei.iati.tests.test_importing import EXAMPLE
from renkei.iati.validation import check_organisations
from renkei.partnerships.models import Partnership


def test_export_writes_both_files_and_lists_what_is_not_exported(publishing, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("iati", "export", "--out", str(tmp_path / "site"), stdout=out, stderr=err)
    root = valid((tmp_path / "site" / "activities.xml").read_bytes())
    assert len(root) == 7
    assert check_organisations((tmp_path / "site" / "organisation.xml").read_bytes()) == []
    assert "Not exported: programme eu-international-urban-regional-cooperation" in err.getvalue()
    assert "no recipient country" in err.getvalue() and "Exported 7 activities" in out.getvalue()
    assert not list((tmp_path / "site").glob("*.part"))


def test_export_of_one_programme(publishing, tmp_path):
    call_command("iati", "export", "--out", str(tmp_path), "--programme", "eu-international-urban-cooperation",
                 stdout=StringIO(), stderr=StringIO())
    assert len(valid((tmp_path / "activities-eu-international-urban-cooperation.xml").read_bytes())) == 4


def test_export_before_the_settings_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match="not set up"):
        call_command("iati", "export", "--out", str(tmp_path), stdout=StringIO(), stderr=StringIO())


def test_import_is_a_dry_run_until_apply(publishing):
    out = StringIO()
    call_command("iati", "import", str(EXAMPLE), stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert "Dry run" in report and "creates partnership c2c-0001 (1 results, 0 document links)" in report
    # what is not imported is said per activity, with a count, and summed up
    assert "XM-EXAMPLE-C2C-0001: 1 transactions are not imported" in out.getvalue()
    assert "1 results and 0 document links to import; 1 transactions not imported." in out.getvalue()
    assert not Partnership.objects.filter(slug="c2c-0001").exists()
    call_command("iati", "import", str(EXAMPLE), "--apply", stdout=StringIO(), stderr=StringIO())
    assert Partnership.objects.get(slug="c2c-0001").results.filter(level="output").exists()


def test_import_of_a_bad_or_missing_file(publishing, tmp_path, settings):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<nope/>")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("iati", "import", str(bad), stdout=StringIO(), stderr=err)
    assert "not an IATI activity file" in err.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("iati", "import", str(tmp_path / "missing.xml"), stdout=StringIO(), stderr=StringIO())
    settings.RENKEI_MAX_IMPORT_BYTES = 100
    with pytest.raises(CommandError, match="larger than"):
        call_command("iati", "import", str(EXAMPLE), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="regular file"):
        call_command("iati", "import", "/dev/zero", stdout=StringIO(), stderr=StringIO())
