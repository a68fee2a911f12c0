"""Attached files (PDF, DOCX): checked by ``dangbo.core.uploads``, then their text taken out.

``check_upload`` runs the project's one upload check (extension, declared type, first bytes,
size, and for a DOCX how much it unpacks to) and then reads the text, within a bounded
memory: a DOCX's ``word/document.xml`` is read as a stream, paragraph by paragraph, a PDF
page by page, and reading stops at ``MAX_TEXT`` characters. A longer text is cut there
(``text_cut`` says so, and the page tells the user); the file itself is kept whole.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangbo.core import uploads
from dangbo.core.uploads import DOCX, PDF, max_upload_bytes

__all__ = ["DOCX", "MAX_TEXT", "PDF", "CheckedFile", "check_upload", "extract_text", "max_upload_bytes", "text_cut"]

logger = logging.getLogger(__name__)

#: The most text kept from one file (characters).
MAX_TEXT = 2_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: The text each element of a run stands for.
_RUN_TEXT = {
    _W + "t": lambda node: node.text or "",
    _W + "tab": lambda node: "\t",
    _W + "br": lambda node: "\n",
    _W + "cr": lambda node: "\n",
}


@dataclass
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str
    text: str

    @property
    def size(self) -> int:
        return len(self.data)


def text_cut(text: str) -> bool:
    """Whether ``text`` was cut at ``MAX_TEXT`` characters."""
    return len(text) >= MAX_TEXT


class _Text:
    """Text gathered up to a limit; ``full`` once it is reached."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit

    @property
    def full(self) -> bool:
        return self.length >= self.limit

    def add(self, text: str) -> None:
        if self.full:
            return
        text = text.replace("\x00", "")
        if self.parts:
            text = "\n" + text
        text = text[: self.limit - self.length]
        self.parts.append(text)
        self.length += len(text)

    def value(self) -> str:
        return "".join(self.parts)


def _docx_text(data: bytes, out: _Text) -> None:
    """The paragraphs of the body in order, a table row as its cells joined by " | ",
    read as a stream: each paragraph is dropped once its text is taken."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as stream:
        elements: list[ET.Element] = []
        rows: list[list[str]] = []  # the cells of each open table row (tables nest)
        cells: list[list[str]] = []  # the paragraphs of each open cell
        for event, element in ET.iterparse(stream, events=("start", "end")):  # noqa: S314
            if event == "start":
                elements.append(element)
                if element.tag == _W + "tr":
                    rows.append([])
                elif element.tag == _W + "tc":
                    cells.append([])
                continue
            elements.pop()
            tag = element.tag
            if tag == _W + "p":
                text = "".join(_RUN_TEXT[node.tag](node) for node in element.iter() if node.tag in _RUN_TEXT)
                if cells:
                    cells[-1].append(text)
                else:
                    out.add(text)
            elif tag == _W + "tc" and cells:
                paragraphs = cells.pop()
                if rows:
                    rows[-1].append("\n".join(paragraphs))
            elif tag == _W + "tr" and rows:
                line = " | ".join(rows.pop())
                if cells:
                    cells[-1].append(line)
                else:
                    out.add(line)
            if tag in (_W + "p", _W + "tc", _W + "tr", _W + "tbl"):
                element.clear()
                if elements:
                    elements[-1].remove(element)
            if out.full:
                return


def _pdf_text(data: bytes, out: _Text) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        out.add(page.extract_text() or "")
        if out.full:
            return


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a checked PDF or DOCX file, at most ``MAX_TEXT`` characters;
    ``ValidationError`` if it cannot be read."""
    out = _Text(MAX_TEXT)
    try:
        if content_type == PDF:
            _pdf_text(data, out)
        else:
            _docx_text(data, out)
    except Exception as error:  # a broken file in any of the many ways the readers report
        logger.info("could not read an uploaded file: %s", error)
        raise ValidationError(
            {"file": _("The file could not be read; it may be damaged or protected.")}
        ) from error
    text = out.value()
    return text if out.full else text.strip()


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded PDF or DOCX (name, content type, first bytes, size, what it
    unpacks to) and read its text."""
    checked = uploads.check(upload, accept=uploads.DOCUMENT)
    return CheckedFile(
        name=checked.name,
        content_type=checked.content_type,
        data=checked.data,
        sha256=checked.sha256,
        text=extract_text(checked.data, checked.content_type),
    )
