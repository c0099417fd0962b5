"""The import contract: text flows one way through the stages (pyproject.toml's
[tool.importlinter] contracts, checked by import-linter over every import, including
those under TYPE_CHECKING and inside functions)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def lint(config: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("importlinter", reason="import-linter is in the test extra")
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"
    )
    command = [sys.executable, "-c", code, str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_every_import_goes_down_the_flow() -> None:
    run = lint(ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_contract_sees_the_real_imports(tmp_path: Path) -> None:
    """The same check with two stages swapped must fail, naming an import between them:
    the contract is not passing because it sees nothing."""
    config = tmp_path / "swapped.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "podcast"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "swapped"\ntype = "layers"\n'
        'layers = ["podcast.transcript", "podcast.render"]\n',
        encoding="utf-8",
    )
    run = lint(config)
    assert run.returncode != 0
    assert "podcast.render -> podcast.source" in run.stdout


def dataclass_fields(path: Path) -> list[tuple[str, str, bool]]:
    """(class, field, has a docstring) for every field of every dataclass in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef) or not any(
            "dataclass" in ast.unparse(d) for d in node.decorator_list
        ):
            continue
        for index, statement in enumerate(node.body):
            if isinstance(statement, ast.AnnAssign):
                after = node.body[index + 1] if index + 1 < len(node.body) else None
                documented = isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                found.append((node.name, ast.unparse(statement.target), documented))
    return found


def test_every_dataclass_field_says_what_it_is() -> None:
    missing = [
        f"{path.relative_to(ROOT)}: {cls}.{name}"
        for path in sorted((ROOT / "podcast").rglob("*.py"))
        for cls, name, documented in dataclass_fields(path)
        if not documented
    ]
    assert missing == []
