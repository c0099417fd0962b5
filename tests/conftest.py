"""Shared fixtures. Fast tests use the fake engine; tests marked `engine` use eSpeak NG."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = Path(__file__).resolve().parents[1].parent / "shared" / "article.txt"
SAMPLE = Path(__file__).resolve().parents[1] / "podcast" / "data" / "sample.txt"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache and working folder, so no voices.yaml leaks in."""
    monkeypatch.setenv("PODCAST_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip("../shared/article.txt is not here (a user's clone has no shared/)")
    return ARTICLE.read_text(encoding="utf-8")
