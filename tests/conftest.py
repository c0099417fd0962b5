"""Shared fixtures. Fast tests use the fake engine; tests marked `engine` use eSpeak NG."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ARTICLE, TWO


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache and working folder, so no voices.yaml leaks in."""
    monkeypatch.setenv("PODCAST_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip("../shared/article.txt is not here (a user's clone has no shared/)")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _espeak_palette(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speakers without a voice of their own keep eSpeak NG's voices, whatever natural
    engine this machine has installed (the tests of the natural cast undo it)."""
    monkeypatch.setenv("PODCAST_PALETTE", "espeak")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder holding talk.txt, a short dialogue."""
    work = tmp_path / "user"
    work.mkdir()
    (work / "talk.txt").write_text(TWO, encoding="utf-8")
    return work
