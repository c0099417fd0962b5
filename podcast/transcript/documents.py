"""Transcripts that come as documents: a web page as saved (HTML), a Word file (.docx)
and a PDF with a text layer, each turned into plain text with its paragraphs, headings
and labels, as the same transcript saved as text would be. Known by their content, not
only their name. Each by a maintained library (trafilatura, python-docx, pypdf, in the
``documents`` extra); what they cannot say (a scanned PDF, a zip bomb) is a clear
error."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from enum import StrEnum
from pathlib import Path

from podcast.errors import InputError

EXTRA = "pip install 'podcast[documents]'"
MAX_UNPACKED = 64 * 1024 * 1024  # bytes a .docx may unpack to
MAX_RATIO = 200  # how much smaller than its contents a .docx member may be
MAX_TEXT = 16 * 1024 * 1024  # characters of text a PDF may hold (a text file's limit)
_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_CLUTTER = (  # page furniture that is never the article, whatever the page calls it
    "//script|//style|//noscript|//nav|//header|//footer|//aside|//form|//iframe|//figure"
)
_CLUTTER_WORDS = ("ad", "ads", "advert", "advertisement", "promo", "sponsored", "newsletter",
                  "related", "share", "social", "subscribe", "byline", "comments")  # fmt: skip
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s+of\s+\d{1,4})?\s*$", re.I)


class Document(StrEnum):
    """A kind of document a transcript may come as."""

    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


def kind_of(path: Path, data: bytes) -> Document | None:
    """The kind of document ``data`` is, by its content (a name alone does not make a
    file one); None for plain text."""
    if data.startswith(b"%PDF-"):
        return Document.PDF
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return Document.DOCX
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head) or (path.suffix.lower() in (".html", ".htm") and b"<" in head):
        return Document.HTML
    return None


def document_text(path: Path, data: bytes) -> str | None:
    """The transcript's text when ``data`` is a document; None when it is plain text."""
    kind = kind_of(path, data)
    if kind is None:
        return None
    reader = {Document.HTML: _html, Document.DOCX: _docx, Document.PDF: _pdf}[kind]
    text = reader(path, data)
    if not any(c.isalnum() for c in text):
        raise InputError(f"{path}: the {kind} document has no text to speak")
    return text


def _needs(module: str, path: Path, kind: str) -> None:
    raise InputError(f"{path}: reading {kind} needs {module}: {EXTRA}")


def _html(path: Path, data: bytes) -> str:
    """The page's article as text: trafilatura finds it; scripts, navigation, asides,
    advertisements and footers are dropped before it looks."""
    try:
        import trafilatura
    except ImportError:
        _needs("trafilatura", path, "a saved web page")
    words = " or ".join(
        f"contains(concat(' ', normalize-space(@{attr}), ' '), ' {word} ')"
        for attr in ("class", "id")
        for word in _CLUTTER_WORDS
    )
    found = trafilatura.extract(
        data,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        prune_xpath=[_CLUTTER, f"//*[{words}]"],
    )
    if not found:
        raise InputError(f"{path}: no article text found in the page; save it as text instead")
    return _paragraphs_of(found)


def _paragraphs_of(xml: str) -> str:
    """trafilatura's XML as paragraphs (headings, paragraphs, list items, quotes) with a
    blank line between them; bold and italics as plain text."""
    from lxml import etree

    root = etree.fromstring(xml.encode())
    blocks = []
    for element in root.iter("head", "p", "item", "quote"):
        if element.getparent() is not None and element.getparent().tag in ("p", "quote"):
            continue  # inside a block already taken whole
        text = " ".join("".join(element.itertext()).split())
        if text:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _docx(path: Path, data: bytes) -> str:
    """A Word file's paragraphs and headings, after a check that it does not unpack to
    far more than it is (a decompression bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    worst = max((m.file_size / max(1, m.compress_size) for m in members), default=0)
    if unpacked > MAX_UNPACKED or worst > MAX_RATIO:
        raise InputError(
            f"{path}: unpacks to {unpacked // 2**20} MB, far more than a document holds "
            "(a decompression bomb?); refused: save it again from Word, or as text"
        )
    try:
        import docx
    except ImportError:
        _needs("python-docx", path, "a Word file")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises whatever its XML parser met
        raise InputError(f"{path}: not a Word document it can read ({error})") from error
    blocks = [" ".join(p.text.split()) for p in document.paragraphs]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _pdf(path: Path, data: bytes) -> str:
    """A PDF's text layer, page by page (pypdf's layout mode: a blank line where the
    page leaves a gap), without the running headers, footers and page numbers every
    page repeats; a paragraph that goes on over a page break is one paragraph."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        _needs("pypdf", path, "a PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{path}: the PDF is encrypted; save an unlocked copy")
        pages = []
        size = 0
        for page in reader.pages:  # pypdf bounds each stream (75 MB); this bounds them all
            text = page.extract_text(extraction_mode="layout")
            size += len(text)
            if size > MAX_TEXT:
                raise InputError(f"{path}: more text than {MAX_TEXT // 2**20} MB; split the PDF")
            pages.append(text.splitlines())
    except (PdfReadError, ValueError, KeyError) as error:
        raise InputError(f"{path}: not a PDF it can read ({error})") from error
    if not any(any(c.isalnum() for c in line) for page in pages for line in page):
        raise InputError(
            f"{path}: the PDF has no text layer (a scan?); run it through OCR first, "
            "or give the transcript as text"
        )
    paragraphs: list[list[str]] = []
    for page in _without_furniture(pages):
        for index, block in enumerate(_blocks(page)):
            going_on = index == 0 and paragraphs and not _ENDED.search(paragraphs[-1][-1])
            if going_on:
                paragraphs[-1] += block
            else:
                paragraphs.append(block)
    return "\n\n".join("\n".join(p) for p in paragraphs) + "\n"


_ENDED = re.compile(r"[.!?:\"”’)]$")


def _blocks(lines: list[str]) -> list[list[str]]:
    """Lines between blank lines, stripped."""
    found: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            found[-1].append(" ".join(line.split()))
        elif found[-1]:
            found.append([])
    return [block for block in found if block]


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def _without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Every page without its page number and the lines near its top or bottom that
    recur on at least half the pages (a running header or footer); blank lines kept."""
    edges: Counter[str] = Counter()
    for page in pages:
        kept = [line for line in page if line.strip()]
        edges.update({_shape(line) for line in kept[:2] + kept[-2:]})
    many = len(pages) > 1
    recurring = {shape for shape, count in edges.items() if many and count * 2 >= len(pages)}
    found = []
    for page in pages:
        kept = [line for line in page if line.strip()]
        edge = set(kept[:2] + kept[-2:])
        found.append([
            line for line in page
            if not _PAGE_NUMBER.match(line) or not line.strip()
            if not (line in edge and _shape(line) in recurring)
        ])  # fmt: skip
    return found
