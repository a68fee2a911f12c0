"""Attached files (PDF, DOCX): checked by ``dangbo.core.uploads``, then their text taken out
(PDF with pypdf, DOCX with python-docx).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangbo.core import uploads
from dangbo.core.uploads import DOCX, PDF, max_upload_bytes

__all__ = ["DOCX", "MAX_TEXT", "PDF", "CheckedFile", "check_upload", "extract_text", "max_upload_bytes"]

logger = logging.getLogger(__name__)

#: The most text kept from one file (characters).
MAX_TEXT = 2_000_000


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


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a PDF or DOCX file; ``ValidationError`` if it cannot be read."""
    try:
        if content_type == PDF:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            parts = [(page.extract_text() or "") for page in reader.pages]
            text = "\n".join(parts)
        else:
            import docx

            doc = docx.Document(io.BytesIO(data))
            parts = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                for row in table.rows:
                    parts.append(" | ".join(cell.text for cell in row.cells))
            text = "\n".join(parts)
    except Exception as error:  # a broken file in any of the many ways the readers report
        logger.info("could not read an uploaded file: %s", error)
        raise ValidationError(
            {"file": _("The file could not be read; it may be damaged or protected.")}
        ) from error
    return text.replace("\x00", "")[:MAX_TEXT].strip()


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
