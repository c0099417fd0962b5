"""Transcripts that come as documents: a saved web page, a Word file, a PDF with a text
layer. Each through the one door, known by its content, giving the turns the same
transcript saved as text gives."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, fake_render, pdf_file, run

DOCUMENTS = FIXTURES / "documents"
HAS_EXTRA = all(importlib.util.find_spec(m) for m in ("trafilatura", "docx", "pypdf"))
needs_extra = pytest.mark.skipif(
    not HAS_EXTRA, reason="the documents extra is not installed (pip install -e '.[documents]')"
)
PLAIN = DOCUMENTS / "interview.txt"


def turns_of(path: Path) -> list[dict[str, str]]:
    result = run("turns", path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def paragraphs_of(path: Path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@needs_extra
def test_a_saved_page_gives_the_turns_of_its_text_and_nothing_of_the_page() -> None:
    page = turns_of(DOCUMENTS / "interview.html")
    assert page == turns_of(PLAIN)
    assert [row["speaker"] for row in page] == [
        "Narrator",
        "Narrator",
        "Interviewer",
        "IMOGEN HALE",
        "Interviewer",
        "IMOGEN HALE",
        "Interviewer",
        "IMOGEN HALE",
        "Narrator",  # the disclosure at the end
    ]
    spoken = " ".join(row["text"] for row in page)
    for furniture in ("crossword", "Advertisement", "Privacy", "dataLayer", "Related", "News"):
        assert furniture not in spoken


@needs_extra
def test_a_page_is_known_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "interview.txt"
    renamed.write_bytes((DOCUMENTS / "interview.html").read_bytes())
    assert turns_of(renamed) == turns_of(PLAIN)


@needs_extra
def test_a_word_file_gives_the_turns_of_its_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    paragraphs = paragraphs_of(PLAIN)
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        label, colon, rest = paragraph.partition(": ")
        written = document.add_paragraph()
        if colon and label.isupper():
            written.add_run(f"{label}:").bold = True
            written.add_run(f" {rest}")
        else:
            written.add_run(paragraph)
    document.save(tmp_path / "interview.docx")
    (tmp_path / "interview").write_bytes((tmp_path / "interview.docx").read_bytes())
    assert turns_of(tmp_path / "interview.docx") == turns_of(PLAIN)
    assert turns_of(tmp_path / "interview") == turns_of(PLAIN)  # by content, no extension


def test_a_word_file_that_unpacks_to_far_more_is_refused(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/filler.bin", b"\0" * (80 * 2**20))
    (tmp_path / "bomb.docx").write_bytes(bomb.getvalue())
    result = run("turns", tmp_path / "bomb.docx")
    assert result.exit_code != 0
    assert result.stderr == (
        f"Error: {tmp_path / 'bomb.docx'}: unpacks to 80 MB, far more than a document holds "
        "(a decompression bomb?); refused: save it again from Word, or as text\n"
    )


def pages_of(paragraphs: list[str], per_page: int) -> list[list[str]]:
    """The paragraphs laid out on pages under a running header, with page numbers, each
    paragraph wrapped at 70 characters."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if len(line) + len(word) + 1 > 70:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines += [line, ""]
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return [
        ["THE HARBOR REVIEW · Interviews", "", *chunk, "", f"Page {n} of {len(chunks)}"]
        for n, chunk in enumerate(chunks, start=1)
    ]


@needs_extra
def test_a_pdf_gives_the_turns_of_its_text_without_headers_or_page_numbers(
    tmp_path: Path,
) -> None:
    pdf = pdf_file(tmp_path / "interview.pdf", pages_of(paragraphs_of(PLAIN), 12))
    said = turns_of(pdf)
    assert said == turns_of(PLAIN)
    spoken = " ".join(row["text"] for row in said)
    assert "HARBOR REVIEW" not in spoken and "Page" not in spoken


@needs_extra
def test_a_pdf_with_no_text_layer_says_so(tmp_path: Path) -> None:
    pdf = pdf_file(tmp_path / "scan.pdf", [[], []])
    result = run("turns", pdf)
    assert result.exit_code != 0
    assert result.stderr == (
        f"Error: {pdf}: the PDF has no text layer (a scan?); run it through OCR first, "
        "or give the transcript as text\n"
    )


def test_without_the_extra_a_document_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real = builtins.__import__

    def missing(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] in ("trafilatura", "pypdf", "docx"):
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", missing)
    page = tmp_path / "page.html"
    page.write_bytes((DOCUMENTS / "interview.html").read_bytes())
    result = run("turns", page)
    assert result.exit_code != 0
    assert result.stderr == (
        f"Error: {page}: reading a saved web page needs trafilatura: "
        "pip install 'podcast[documents]'\n"
    )


@needs_extra
def test_a_batch_takes_documents_but_not_the_pages_it_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "keeper.html").write_bytes((DOCUMENTS / "interview.html").read_bytes())
    (folder / "ferry.txt").write_text(PLAIN.read_text(encoding="utf-8"), encoding="utf-8")
    for attempt in (1, 2):  # the second finds ferry.html and keeper.html it wrote itself
        result = run("batch", folder, "--engine", "fake", "--output", folder)
        assert result.exit_code == 0, (attempt, result.output)
    assert sorted(p.name for p in folder.glob("*.mp3")) == ["ferry.mp3", "keeper.mp3"]
    assert (folder / "keeper.html").read_bytes() == (DOCUMENTS / "interview.html").read_bytes()


@needs_extra
def test_a_saved_page_renders_like_its_text(tmp_path: Path) -> None:
    page = fake_render(DOCUMENTS / "interview.html", tmp_path / "page.mp3")
    text = fake_render(PLAIN, tmp_path / "text.mp3")
    assert (page.turns, page.speakers) == (text.turns, text.speakers)
    assert page.seconds == pytest.approx(text.seconds, abs=0.05)
