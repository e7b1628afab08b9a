import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent


def test_engine_imports_neither_django_nor_other_renkei_packages():
    offenders = []
    for path in ENGINE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in {"django", "ninja"} or (
                    name.startswith("renkei.") and not name.startswith("renkei.engine")
                ):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
