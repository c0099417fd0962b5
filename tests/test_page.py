"""The episode page in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright's Python package through its executable path; Playwright's own browser
download cannot work here). The tests skip, saying why, when either is missing."""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podcast.render import Options, render
from tests.helpers import ARTICLE, FIXTURES, fake_render

webvtt = pytest.importorskip("webvtt", reason="webvtt-py is in the test extra")

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The system's Chromium: $PODCAST_CHROMIUM, else the first on PATH."""
    given = os.environ.get("PODCAST_CHROMIUM")
    if given:
        return given
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright's Python package is in the test extra"
    )
    executable = chromium()
    if executable is None:
        pytest.skip(
            "no Chromium here: install Debian's chromium (apt-get install chromium) or set "
            "PODCAST_CHROMIUM to a Chromium binary to run the page's browser tests"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--autoplay-policy=no-user-gesture-required"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page()
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("dialog", lambda dialog: opened.errors.append(f"dialog: {dialog.message}"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def article_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article rendered with eSpeak NG (the real engine: real timings)."""
    if not ARTICLE.is_file():
        pytest.skip("../shared/article.txt is not here (a user's clone has no shared/)")
    folder = tmp_path_factory.mktemp("article")
    out = folder / "article.mp3"
    render(ARTICLE, out, Options(cache_dir=folder / "cache"))
    return out.with_suffix(".html")


def open_at(page: Any, path: Path, seconds: float | None = None) -> None:
    suffix = "" if seconds is None else f"#t={seconds}"
    page.goto(path.as_uri() + suffix)
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def marked(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "[aria-current=true]", "found => found.map(element => element.textContent)"
    )


def seeked(page: Any, seconds: float) -> None:
    page.wait_for_function(
        "(at) => Math.abs(document.getElementById('player').currentTime - at) < 0.01",
        arg=seconds,
    )


def spoken_at(vtt: Path, seconds: float) -> str:
    """The words of the VTT cue being spoken at ``seconds`` (the last one begun)."""
    cues = [c for c in webvtt.read(str(vtt)) if c.start_in_seconds <= seconds]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cues[-1].text)).split())


def inside_a_cue(vtt: Path, seconds: float) -> float:
    """The middle of the first cue that ends after ``seconds``, to a tenth of a second:
    a moment no rounding of a cue's edges can put in another cue."""
    cue = next(c for c in webvtt.read(str(vtt)) if c.end_in_seconds > seconds)
    return round((cue.start_in_seconds + cue.end_in_seconds) / 2, 1)


@pytest.mark.parametrize("near", [95, 333])
def test_article_page_marks_the_cue_spoken_at_a_moment(
    page: Any, article_page: Path, near: int
) -> None:
    vtt = article_page.with_suffix(".vtt")
    seconds = inside_a_cue(vtt, near)
    open_at(page, article_page, seconds)
    assert marked(page) == [spoken_at(vtt, seconds)]
    assert page.evaluate("document.getElementById('player').currentTime") == seconds
    assert page.errors == []


def test_clicks_and_keys_seek(page: Any, article_page: Path) -> None:
    open_at(page, article_page)
    cue = page.locator(".cue").nth(12)
    start = float(cue.get_attribute("data-start"))
    cue.click()
    seeked(page, start)
    assert marked(page) == [cue.text_content()]
    assert page.evaluate("location.hash") == f"#t={start:g}"
    chapter = page.locator(".chapters a").nth(1)
    at = float(chapter.get_attribute("data-start"))
    chapter.click()
    seeked(page, at)
    other = page.locator(".cue").nth(30)
    other.focus()
    page.keyboard.press("Enter")
    assert marked(page) == [other.text_content()]
    assert page.errors == []


def test_playing_moves_the_mark(page: Any, article_page: Path) -> None:
    open_at(page, article_page, 20)
    first = marked(page)
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function(
        "(first) => document.querySelector('[aria-current=true]').textContent !== first",
        arg=first[0],
        timeout=15000,
    )
    assert len(marked(page)) == 1


HOSTILE = """<img src=x onerror="window.pwned = 1">

HOST: Hello <img src=x onerror="window.pwned = 2"> and welcome.

GUEST: </script><script>window.pwned = 3</script> Thanks. " onmouseover="window.pwned=4

HOST: <b>Bold</b> &lt;i&gt; and {{ curly }} ${template}.
"""


def test_markup_in_a_transcript_shows_as_text_and_runs_nothing(page: Any, tmp_path: Path) -> None:
    source = tmp_path / "x<script>alert(1)<'script>.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        "episode:\n  title: '</title><script>window.pwned = 5</script>'\n"
        "  show: '\"><img src=x onerror=window.pwned=6>'\n"
        "  description: '<svg onload=window.pwned=7>'\n",
        encoding="utf-8",
    )
    out = tmp_path / "hostile.mp3"
    fake_render(source, out, voices=voices, style="qa")
    open_at(page, out.with_suffix(".html"), 1)
    page.locator(".cue").first.hover()
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    assert page.errors == []
    assert page.locator("img, svg, b").count() == 0
    text = page.locator("body").inner_text()
    assert '<img src=x onerror="window.pwned = 2">' in text
    assert "</script><script>window.pwned = 3</script>" in text
    assert "<svg onload=window.pwned=7>" in text
    assert page.title() == "</title><script>window.pwned = 5</script>"


def test_the_page_is_a_side_file_that_can_be_turned_off(tmp_path: Path) -> None:
    voices = tmp_path / "voices.yaml"
    voices.write_text("output:\n  page: false\n", encoding="utf-8")
    out = tmp_path / "m.mp3"
    result = fake_render(FIXTURES / "magazine.txt", out, voices=voices)
    assert not out.with_suffix(".html").exists()
    assert out.with_suffix(".vtt") in result.side_files
    fake_render(FIXTURES / "magazine.txt", tmp_path / "n.mp3")
    page = (tmp_path / "n.html").read_text(encoding="utf-8")
    assert 'src="n.mp3"' in page and 'http-equiv="Content-Security-Policy"' in page
    assert "<script src" not in page and "<link" not in page  # nothing from elsewhere


@pytest.mark.parametrize("seconds", [95, 333])
def test_article_page_marks_the_word_spoken(page: Any, article_page: Path, seconds: int) -> None:
    """Words from eSpeak's word events, in the page and in the JSON transcript alike."""
    import json

    segments = json.loads(article_page.with_suffix(".transcript.json").read_text())["segments"]
    assert len(segments) > 1000  # a segment per word
    word = [s for s in segments if s["startTime"] <= seconds][-1]
    open_at(page, article_page, seconds)
    now = page.eval_on_selector_all("[data-now]", "found => found.map(e => e.textContent)")
    assert now == [word["body"]]
    assert word["body"] in marked(page)[0].split()


def test_readable_on_a_phone(browser: Any, article_page: Path) -> None:
    """At a phone's width nothing runs off the side, and the player stays in view."""
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    try:
        open_at(phone, article_page, 333)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        player = phone.locator("#player").bounding_box()
        assert player is not None and player["y"] >= 0 and player["width"] <= 375
        box = phone.locator("[aria-current=true]").bounding_box()
        assert box is not None and 0 <= box["y"] < 740  # the marked cue was scrolled to
    finally:
        phone.close()
