import io

import pytest
from django.core.management import CommandError, call_command

from renkei.evaluation.models import Actual
from renkei.evaluation.tests.conftest import scored

pytestmark = pytest.mark.django_db


def _run(*args, stdin: bytes | None = None):
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _csv(tmp_path, text: str):
    path = tmp_path / "actuals.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = "partnership,result_indicator,period_start,period_end,value,evidence_url,source,is_sample\n"


def test_import_actuals(tmp_path, chain):
    pk = chain["indicator"].pk
    good = _csv(tmp_path, HEADER + f"kamakura-umea,{pk},2018-01-01,2018-12-31,5,https://example.org/r,report,no\n"
                          f"kamakura-umea,{pk},2019-01-01,2019-12-31,7,,,yes\n")
    out, _err = _run("import-actuals", good, "--dry-run")
    assert "2 actuals recorded" in out and "dry run" in out and not Actual.objects.exists()
    out, _err = _run("import-actuals", good)
    assert list(Actual.objects.order_by("period_end").values_list("value", "is_sample")) == [(5, False), (7, True)]


def test_a_bad_line_writes_nothing(tmp_path, chain):
    pk = chain["indicator"].pk
    bad = _csv(tmp_path, HEADER + f"kamakura-umea,{pk},2018-01-01,2018-12-31,5,,,\n"
                         f"koriyama-essen,{pk},2019-01-01,2019-12-31,7,,,\n"
                         f"kamakura-umea,{pk},2019-01-01,2018-12-31,x,javascript:x,,maybe\n"
                         f"kamakura-umea,999999,2019-01-01,2019-12-31,7,,,\n")
    with pytest.raises(CommandError, match="3 of 4 lines have errors; nothing was written"):
        _run("import-actuals", bad)
    assert not Actual.objects.exists()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("evaluation", "import-actuals", bad, stderr=err)
    text = err.getvalue()
    assert "line 3: partnership: result indicator" in text
    assert "line 4: value:" in text and "line 4: evidence_url:" in text and "line 4: is_sample:" in text
    assert "line 5: result_indicator: no result indicator has the id 999999" in text
    out, _err = _run("import-actuals", bad, "--skip-invalid")
    assert "1 actuals recorded" in out and Actual.objects.count() == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe", "not UTF-8"), (b"a,b\n1,2\n", "missing columns"),
    (HEADER.encode(), "is empty"), (HEADER.encode() + b"x\x00,1\n", "NUL"),
    (HEADER.encode() + b'kamakura-umea,1,2019-01-01,2019-12-31,3,"https://x\n', "line 2: line: is not valid CSV"),
    (HEADER.encode() + b'kamakura-umea,1,2019-01-01,2019-12-31,3,' + b"x" * 200_000 + b"\n",
     "line 2: line: has a cell longer than"),  # the csv module's limit: it raised, uncaught
])
def test_unusable_files(tmp_path, chain, content, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("evaluation", "import-actuals", str(path), stderr=err)
    assert message in err.getvalue()


def test_only_who_may_enter_results_imports(tmp_path, chain, outsider_fp):
    path = _csv(tmp_path, HEADER + f"kamakura-umea,{chain['indicator'].pk},2018-01-01,2018-12-31,5,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("evaluation", "import-actuals", path, "--as", "toyama-fp", stderr=err)
    assert "may not enter" in err.getvalue() and not Actual.objects.exists()


def test_export(tmp_path, kamakura_umea, officer, evaluator):
    from renkei.evaluation import services

    evaluation = services.evaluation_create(actor=officer, partnership=kamakura_umea,
                                            data={"kind": "final", "evaluators": ["eva"]})
    scored(evaluation, evaluator, level=2)
    services.evaluation_transition(actor=evaluator, evaluation=evaluation, to="submitted")
    services.evaluation_transition(actor=officer, evaluation=evaluation, to="published")
    out, _err = _run("export", "--programme", "eu-international-urban-cooperation", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("Partnership,Name of the partnership,Kind,Relevance")
    assert any(line.startswith("kamakura-umea,") and ",2,2,2,2,2,2,2," in line for line in lines)
    out, _err = _run("export", "--programme", "eu-international-urban-cooperation", "--table", "learning")
    assert out.splitlines()[0].startswith("Partnership,Side,Participants")
    target = tmp_path / "p.xlsx"
    _run("export", "--programme", "eu-international-urban-cooperation", "--format", "xlsx", "-o", str(target))
    from openpyxl import load_workbook

    sheet = load_workbook(target)["Criteria by partnership"]
    assert [c.value for c in sheet[1]][:4] == ["Partnership", "Name of the partnership", "Kind", "Relevance"]
    with pytest.raises(CommandError, match="needs --output"):
        _run("export", "--format", "xlsx")
    with pytest.raises(CommandError, match="No such programme"):
        _run("export", "--programme", "nowhere")
    out, _err = _run("export")  # every programme
    assert "toyama-world-bank-cpp" in out
