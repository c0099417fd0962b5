"""`podcast feed`: the feed written from the episodes' own files, read back by two
independent parsers (feedparser and podcastparser) and by ElementTree; guids that never
change; the rules of --check; bad input as one clear line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from podcast.config.model import DISCLOSURE
from podcast.publish.feed import channel_guid
from podcast.publish.feed.rss import PODCAST
from tests.helpers import ARTICLE, FIXTURES, fake_render, picture, run

feedparser = pytest.importorskip("feedparser", reason="feedparser is in the test extra")
podcastparser = pytest.importorskip("podcastparser", reason="podcastparser is in the test extra")

BASE = "https://example.com/pod/"
SETTINGS = ["--description", "Conversations by the sea.", "--language", "en",
            "--category", "Arts", "--email", "you@example.com"]  # fmt: skip
TALK = """HOST: Welcome back to the harbour.

GUEST: Thank you. The boats are in early today.

HOST: Why is that?

GUEST: A storm is coming, and everyone can smell it.
"""


def voices(folder: Path, number: int, title: str, cover: Path | None = None) -> Path:
    path = folder / f"voices{number}.yaml"
    lines = [
        "episode:",
        f'  title: "{title}"',
        "  show: Harbor Hour",
        "  author: Mina Cole",
        f"  number: {number}",
        f"  date: 2026-11-{10 + number}",
        "  description: Two voices and a lighthouse.",
    ]
    if cover is not None:
        lines.append(f"  cover: {cover}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def episode(folder: Path, name: str, number: int, cover: Path | None = None) -> float:
    """Render an episode into ``folder`` (fake engine) and return its length in seconds."""
    source = folder.parent / f"{name}.txt"
    if not source.exists():
        text = (FIXTURES / "magazine.txt").read_text() if number == 1 else TALK
        source.write_text(text, encoding="utf-8")
    config = voices(folder.parent, number, f"Episode {number}: {name}", cover)
    result = fake_render(source, folder / f"{name}.mp3", voices=config)
    return result.seconds


def feed(*args: str) -> tuple[int, str, str]:
    """`podcast feed ARGS`: exit code, stdout, stderr."""
    result = run("feed", *args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def show(tmp_path: Path) -> tuple[Path, dict[str, float]]:
    folder = tmp_path / "show"
    folder.mkdir()
    cover = picture(tmp_path / "cover.png", 1400, 1400)
    lengths = {
        "lighthouse": episode(folder, "lighthouse", 1, cover),
        "harbour": episode(folder, "harbour", 2, cover),
    }
    return folder, lengths


def test_feed_read_back_by_two_parsers(show: tuple[Path, dict[str, float]]) -> None:
    folder, lengths = show
    code, out, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--check")
    assert (code, err) == (0, "")
    assert out == f"{folder / 'feed.xml'}: 2 episodes pass every rule (checked; nothing written)\n"
    assert not (folder / "feed.xml").exists() and not (folder / "show.yaml").exists()
    code, out, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert (code, err) == (0, "")
    assert out == f"{folder / 'feed.xml'}: 2 episodes, to publish at {BASE}feed.xml\n"
    parsed = feedparser.parse(str(folder / "feed.xml"))
    assert not parsed.bozo
    assert parsed.namespaces["itunes"] == "http://www.itunes.com/dtds/podcast-1.0.dtd"
    assert parsed.namespaces["podcast"] == PODCAST
    assert parsed.feed.title == "Harbor Hour"
    assert [e.title for e in parsed.entries] == ["Episode 2: harbour", "Episode 1: lighthouse"]
    for entry in parsed.entries:
        name = entry.enclosures[0].href.rsplit("/", 1)[1]
        assert entry.enclosures[0].type == "audio/mpeg"
        assert int(entry.enclosures[0].length) == (folder / name).stat().st_size
        hours, minutes, seconds = map(int, entry.itunes_duration.split(":"))
        assert abs(hours * 3600 + minutes * 60 + seconds - lengths[name[:-4]]) <= 1
    other = podcastparser.parse(f"{BASE}feed.xml", (folder / "feed.xml").open("rb"))
    assert other["title"] == "Harbor Hour" and other["description"] == "Conversations by the sea."
    assert other["itunes_categories"] == [["Arts"]] and other["explicit"] is False
    assert other["cover_url"] == f"{BASE}feed-cover.png"
    assert (folder / "feed-cover.png").read_bytes() == (folder.parent / "cover.png").read_bytes()
    assert [e["total_time"] for e in other["episodes"]] == [
        pytest.approx(lengths[name], abs=1) for name in ("harbour", "lighthouse")
    ]
    assert [e["guid"] for e in other["episodes"]] == [e.id for e in parsed.entries]


def test_transcripts_chapters_and_page_link_to_real_files(
    show: tuple[Path, dict[str, float]],
) -> None:
    folder, _ = show
    feed(str(folder), "--base-url", BASE, *SETTINGS)
    channel = ET.parse(folder / "feed.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext(f"{{{PODCAST}}}guid") == channel_guid(f"{BASE}feed.xml")
    for item in channel.iter("item"):
        linked = [e.get("url") for e in item if e.tag.startswith(f"{{{PODCAST}}}") and e.get("url")]
        linked.append(item.findtext("link"))
        kinds = {e.get("type"): e.get("rel") for e in item.iter(f"{{{PODCAST}}}transcript")}
        assert kinds == {"text/vtt": "captions", "application/x-subrip": None,
                         "application/json": None}  # fmt: skip
        assert len(linked) == 5
        for url in linked:
            assert url is not None and url.startswith(BASE)
            assert (folder / url.removeprefix(BASE)).is_file()


def test_channel_guid_is_podcasting_2_0s() -> None:
    """The namespace's own example: https://mp3s.nashownotes.com/pc20rss.xml."""
    assert channel_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


def guids(folder: Path) -> dict[str, str]:
    parsed = feedparser.parse(str(folder / "feed.xml"))
    return {e.enclosures[0].href.rsplit("/", 1)[1]: e.id for e in parsed.entries}


def test_guids_never_change_and_settings_are_remembered(
    show: tuple[Path, dict[str, float]], tmp_path: Path
) -> None:
    folder, _ = show
    feed(str(folder), "--base-url", BASE, *SETTINGS)
    first = guids(folder)
    assert len(set(first.values())) == 2
    (tmp_path / "harbour.txt").write_text(TALK + "\nHOST: One more thing.\n", encoding="utf-8")
    episode(folder, "harbour", 2)  # rendered again, changed
    episode(folder, "quay", 3)  # and a third added
    code, out, err = feed(str(folder))  # everything remembered
    assert (code, err) == (0, "")
    assert "3 episodes" in out
    again = guids(folder)
    assert {name: again[name] for name in first} == first
    parsed = feedparser.parse(str(folder / "feed.xml"))
    assert parsed.feed.subtitle == "Conversations by the sea."
    assert "base_url: https://example.com/pod/" in (folder / "show.yaml").read_text()


def test_check_names_a_small_cover(tmp_path: Path) -> None:
    folder = tmp_path / "show"
    folder.mkdir()
    episode(folder, "harbour", 2, picture(tmp_path / "small.png", 300, 300))
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--check")
    assert code == 6
    assert err == (
        "Error: the cover is 300x300 px: Apple needs 1400 to 3000 px, square; "
        "give a larger square picture with --cover FILE\n"
    )
    big = picture(tmp_path / "big.jpg", 1400, 1400, "JPEG")
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--cover", str(big), "--check")
    assert (code, err) == (0, "")
    assert not list(folder.glob("feed-cover.*"))  # a check writes nothing
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--cover", str(big))
    assert (code, err) == (0, "")
    assert (folder / "feed-cover.jpg").is_file() and not (folder / "feed-cover.png").exists()


def test_every_broken_rule_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "show"
    folder.mkdir()
    episode(folder, "harbour", 2)  # no cover
    untagged = folder / "raw.mp3"
    untagged.write_bytes((folder / "harbour.mp3").read_bytes())
    ID3(str(untagged)).delete()
    code, _, err = feed(str(folder), "--base-url", "http://example.com/", "--check")
    assert code == 6
    lines = err.splitlines()
    assert lines[0].startswith("Error: base URL http://example.com/ is not https")
    assert any("no show description: Apple requires one" in line for line in lines)
    assert any("no category: Apple requires one" in line for line in lines)
    assert any(line.startswith("Error: no cover: Apple requires a square") for line in lines)
    assert any(line.startswith("Error: raw.mp3: no title tag") for line in lines)
    assert any(line.startswith("Error: raw.mp3: no AI disclosure") for line in lines)
    assert any(line.startswith("Error: raw.mp3: no persons") for line in lines)
    assert len(lines) == 7
    code, _, err = feed(str(folder), "--base-url", "http://example.com/")  # written, warned
    assert code == 0 and err.count("Warning: ") == 7
    code, _, err = feed(str(folder), "--category", "Basket Weaving", "--check")
    assert "category 'Basket Weaving' is not one of Apple's" in err


def test_bad_folders_are_one_clear_line(tmp_path: Path) -> None:
    code, _, err = feed(str(tmp_path / "nowhere"), "--base-url", BASE)
    assert (code, err) == (2, f"Error: {tmp_path / 'nowhere'}: no such folder; "
                              "give the folder the episodes are in\n")  # fmt: skip
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = feed(str(empty), "--base-url", BASE)
    assert code == 2 and "no .mp3 episodes; render some there first" in err
    code, _, err = feed(str(empty))
    assert code == 2 and "no base URL given or remembered; give --base-url" in err
    (empty / "show.yaml").write_text("base_url: [1, 2]\n")
    code, _, err = feed(str(empty))
    assert code == 3 and "base_url must be text" in err and "Traceback" not in err


def test_a_show_file_that_is_a_folder_is_one_clear_line(
    show: tuple[Path, dict[str, float]],
) -> None:
    folder, _ = show
    (folder / "show.yaml").mkdir()
    code, _, err = feed(str(folder), "--base-url", BASE)
    assert code == 3
    assert (
        err == f"Error: {folder / 'show.yaml'}: is a folder; it holds the show's settings: fix it\n"
    )


def test_check_is_a_dry_run(show: tuple[Path, dict[str, float]]) -> None:
    """--check writes nothing, not even the options it refuses into show.yaml."""
    folder, _ = show
    feed(str(folder), "--base-url", BASE, *SETTINGS)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, _, err = feed(str(folder), "--base-url", "ftp://x.example/", "--category",
                        "Arts/Nonsense", "--check")  # fmt: skip
    assert code == 6 and "not https" in err and "Nonsense" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_control_characters_never_break_the_feed(tmp_path: Path) -> None:
    """A control character in a title (voices.yaml, or an MP3's own tag) would make the
    whole feed malformed XML: it is left out of the feed, and --check names it."""
    folder = tmp_path / "show"
    folder.mkdir()
    episode(folder, "harbour", 2)
    id3 = ID3(str(folder / "harbour.mp3"))
    id3["TIT2"].text = ["Storm \x01warning\x1b"]
    id3.save()
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert code == 0 and "harbour.mp3: its title tag holds control characters" in err
    parsed = feedparser.parse(str(folder / "feed.xml"))
    assert not parsed.bozo and parsed.entries[0].title == "Storm warning"
    assert feed(str(folder), "--check")[0] == 6


def test_only_real_mp3_files_are_episodes(show: tuple[Path, dict[str, float]]) -> None:
    """A folder, an empty file, a text file, a link out of the folder and a FIFO named
    .mp3 are each left out with a line saying why; the FIFO is never opened (no hang)."""
    import os

    folder, _ = show
    (folder / "dir.mp3").mkdir()
    (folder / "empty.mp3").write_bytes(b"")
    (folder / "notes.mp3").write_text("not audio")
    (folder / "passwd.mp3").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe.mp3")
    code, out, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert code == 0 and "2 episodes" in out
    assert "dir.mp3: not a regular file; left out of the feed" in err
    assert "empty.mp3: empty; left out of the feed" in err
    assert "notes.mp3: holds no MP3 audio; left out of the feed" in err
    assert "passwd.mp3: a link to a file outside the folder" in err
    assert "pipe.mp3: not a regular file; left out of the feed" in err


def test_show_yaml_edited_by_hand(show: tuple[Path, dict[str, float]]) -> None:
    """A date with no time zone, as a person writes it, is a date; two episodes given one
    guid are named, with the fix."""
    folder, _ = show
    id3 = ID3(str(folder / "lighthouse.mp3"))
    id3.delall("TDRC")  # its date then comes from show.yaml
    id3.save()
    feed(str(folder), "--base-url", BASE, *SETTINGS)
    settings = (folder / "show.yaml").read_text()
    guid = settings.split("guid: ")[1].split("\n")[0]
    lines = []
    for line in settings.splitlines():
        if line.strip().startswith("guid:"):
            line = line.split("guid:")[0] + f"guid: {guid}"
        if line.strip().startswith("published:"):
            line = line.split("published:")[0] + "published: 2020-01-01"
        lines.append(line)
    (folder / "show.yaml").write_text("\n".join(lines) + "\n")
    code, _, err = feed(str(folder))
    assert code == 0, err
    assert f"harbour.mp3 and lighthouse.mp3 have the same guid {guid}" in err
    assert feed(str(folder), "--check")[0] == 6


def test_show_settings_that_apps_would_choke_on(show: tuple[Path, dict[str, float]]) -> None:
    """A base URL with spaces, a link that is no web address (never written), an e-mail
    and a language that are none, and two episodes of one title: each a line of --check."""
    folder, _ = show
    id3 = ID3(str(folder / "harbour.mp3"))
    id3["TIT2"].text = ["Episode 1: lighthouse"]
    id3.save()
    settings = ["--base-url", "https://example.com/my pod/", "--link", "javascript:alert(1)",
                "--email", "nobody", "--language", "English please"]  # fmt: skip
    code, _, err = feed(str(folder), *SETTINGS[:2], "--category", "Arts", *settings, "--check")
    assert code == 6
    assert "base URL 'https://example.com/my pod/' has spaces" in err
    assert "link 'javascript:alert(1)' is not a web address" in err
    assert "email 'nobody' is not an e-mail address" in err
    assert "language 'English please' is not a language code" in err
    assert "harbour.mp3 and lighthouse.mp3 have the same title 'Episode 1: lighthouse'" in err
    feed(str(folder), *SETTINGS[:2], "--category", "Arts", *settings)
    written = (folder / "feed.xml").read_text()
    assert "javascript" not in written
    assert "https://example.com/my%20pod/harbour.mp3" in written and "my pod" not in written


def test_chapters_reach_every_app_as_timestamps_and_simple_chapters(
    show: tuple[Path, dict[str, float]],
) -> None:
    """Spotify and YouTube read chapters only from `0:00 Title` lines in the description
    (three or more, the first at 0:00); many apps read Podlove Simple Chapters."""
    folder, _ = show
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert (code, err) == (0, "")
    chapters = json.loads((folder / "lighthouse.chapters.json").read_text())["chapters"]
    assert len(chapters) >= 3
    parsed = feedparser.parse(str(folder / "feed.xml"))
    entry = next(e for e in parsed.entries if e.title == "Episode 1: lighthouse")
    about, disclosure, stamps = entry.description.split("\n\n")
    assert about == "Two voices and a lighthouse." and disclosure == DISCLOSURE
    lines = stamps.split("\n")
    assert lines[0] == f"0:00 {chapters[0]['title']}"
    seconds = [int(m) * 60 + int(s) for m, s in (line.split()[0].split(":") for line in lines)]
    assert seconds == [0, *(int(c["startTime"]) for c in chapters[1:])]
    other = podcastparser.parse(f"{BASE}feed.xml", (folder / "feed.xml").open("rb"))
    read = next(e for e in other["episodes"] if e["title"] == "Episode 1: lighthouse")
    assert [c["title"] for c in read["chapters"]] == [c["title"] for c in chapters]
    assert [c["start"] for c in read["chapters"]] == [int(c["startTime"]) for c in chapters]
    short = next(e for e in parsed.entries if e.title == "Episode 2: harbour")
    assert short.description == f"Two voices and a lighthouse.\n\n{DISCLOSURE}"  # no stamps


def test_persons_and_the_ai_disclosure_are_in_the_feed(tmp_path: Path) -> None:
    folder = tmp_path / "show"
    folder.mkdir()
    (tmp_path / "talk.txt").write_text(TALK, encoding="utf-8")
    (tmp_path / "v.yaml").write_text(
        "speakers:\n  GUEST: {role: cohost, img: 'https://example.com/g.jpg', "
        "href: 'https://example.com/g'}\n",
        encoding="utf-8",
    )
    fake_render(tmp_path / "talk.txt", folder / "talk.mp3", voices=tmp_path / "v.yaml")
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert code == 0 and "person" not in err and "disclosure" not in err
    root = ET.parse(folder / "feed.xml").getroot()
    found = [(p.text, dict(p.attrib)) for p in root.iter(f"{{{PODCAST}}}person")]
    assert found == [
        ("Host", {"role": "host", "group": "cast"}),
        ("Guest", {"role": "cohost", "group": "cast", "img": "https://example.com/g.jpg",
                   "href": "https://example.com/g"}),
    ]  # fmt: skip
    txt = root.find(f"channel/{{{PODCAST}}}txt")
    assert txt is not None and (txt.get("purpose"), txt.text) == ("ai-disclosure", DISCLOSURE)


def test_the_narrator_is_a_person_only_when_named(tmp_path: Path) -> None:
    folder = tmp_path / "show"
    folder.mkdir()
    (tmp_path / "talk.txt").write_text(TALK, encoding="utf-8")
    (tmp_path / "v.yaml").write_text(
        "narrator: {name: ' Ada  Quill ', voice: en-gb, href: 'https://example.com/ada'}\n",
        encoding="utf-8",
    )
    fake_render(tmp_path / "talk.txt", folder / "talk.mp3", voices=tmp_path / "v.yaml")
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS)
    assert code == 0, err
    root = ET.parse(folder / "feed.xml").getroot()
    found = [(p.text, dict(p.attrib)) for p in root.iter(f"{{{PODCAST}}}person")]
    assert found[-1] == (
        "Ada Quill",
        {"role": "narrator", "group": "cast", "href": "https://example.com/ada"},
    )
    assert [name for name, _ in found] == ["Host", "Guest", "Ada Quill"]
    (tmp_path / "bad.yaml").write_text("narrator: {name: 7}\n", encoding="utf-8")
    result = run("render", tmp_path / "talk.txt", "--voices", tmp_path / "bad.yaml")
    assert result.exit_code == 3
    assert "narrator.name: expected the narrator's name, got 7" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_episode_without_the_disclosure_is_named_by_check(tmp_path: Path) -> None:
    folder = tmp_path / "show"
    folder.mkdir()
    (tmp_path / "talk.txt").write_text(TALK, encoding="utf-8")
    (tmp_path / "v.yaml").write_text("episode: {disclosure: false}\n", encoding="utf-8")
    result = run("render", tmp_path / "talk.txt", "--engine", "fake", "--voices",
                 tmp_path / "v.yaml", "-o", folder / "talk.mp3")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: {tmp_path / 'v.yaml'}: episode.disclosure is false: Apple requires episodes "
        "made with synthetic voices to say so in the audio and the metadata"
    ) in result.stderr.splitlines()
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--check")
    assert code != 0
    assert (
        "talk.mp3: no AI disclosure: Apple requires episodes made with synthetic voices to say "
        "so; render it again without episode.disclosure: false"
    ) in err


def test_a_feed_of_the_article_and_another_episode_passes_check(tmp_path: Path) -> None:
    """The article (12 chapters, four speakers) and a short talk: --check passes, and
    both parsers read the chapters, the timestamps, the persons and the disclosure."""
    if not ARTICLE.exists():
        pytest.skip(f"{ARTICLE} is not here (it lives beside the project)")
    folder = tmp_path / "show"
    folder.mkdir()
    cover = picture(tmp_path / "cover.png", 1400, 1400)
    (tmp_path / "article.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    fake_render(
        tmp_path / "article.txt",
        folder / "article.mp3",
        voices=voices(tmp_path, 1, "The Perfection", cover),
    )
    episode(folder, "harbour", 2, cover)
    code, _, err = feed(str(folder), "--base-url", BASE, *SETTINGS, "--check")
    assert (code, err) == (0, ""), err
    assert feed(str(folder), "--base-url", BASE, *SETTINGS)[0] == 0
    parsed = feedparser.parse(str(folder / "feed.xml"))
    article = next(e for e in parsed.entries if e.title == "The Perfection")
    stamps = article.description.split("\n\n")[-1].split("\n")
    assert len(stamps) == 12 and stamps[0].startswith("0:00 ")
    assert DISCLOSURE in article.description
    other = podcastparser.parse(f"{BASE}feed.xml", (folder / "feed.xml").open("rb"))
    read = next(e for e in other["episodes"] if e["title"] == "The Perfection")
    assert len(read["chapters"]) == 12
    root = ET.parse(folder / "feed.xml").getroot()
    item = next(i for i in root.iter("item") if i.findtext("title") == "The Perfection")
    persons = [(p.text, p.get("role")) for p in item.iter(f"{{{PODCAST}}}person")]
    assert persons == [
        ("Entertainment Weekly", "host"),
        ("Allison Williams", "guest"),
        ("Logan Browning", "guest"),
    ]
    assert root.find(f"channel/{{{PODCAST}}}txt").get("purpose") == "ai-disclosure"
