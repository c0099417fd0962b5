"""The code stays ruff clean: checked with the tests, so CI catches it."""

import importlib.util
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def test_ruff_clean() -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "podcast", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
