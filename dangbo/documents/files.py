"""Checking uploaded files and taking their text out (PDF with pypdf, DOCX with python-docx).

A file is accepted only if its declared content type, its name's extension and its first
bytes agree, and it is not larger than ``DANGBO_MAX_UPLOAD_MB`` (default 20). Anything else
is refused with a message saying why; nothing is stored.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_MB = 20
#: The most text kept from one file (characters).
MAX_TEXT = 2_000_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: extension → (canonical content type, content types browsers send for it)
ACCEPTED: dict[str, tuple[str, set[str]]] = {
    ".pdf": (PDF, {PDF, "application/x-pdf"}),
    ".docx": (DOCX, {DOCX, "application/octet-stream", "application/zip"}),
}


def max_upload_bytes() -> int:
    megabytes = getattr(settings, "DANGBO_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    return int(float(megabytes) * 1024 * 1024)


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


def _read(upload, limit: int) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return data


def _docx_ok(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


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
    """Validate an uploaded file (name, content type, magic bytes, size) and read its text."""
    name = PurePath(getattr(upload, "name", "") or "file").name[:255]
    extension = PurePath(name).suffix.lower()
    if extension not in ACCEPTED:
        raise ValidationError({"file": _("Only PDF and DOCX files can be attached.")})
    canonical, allowed_types = ACCEPTED[extension]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared and declared not in allowed_types:
        raise ValidationError(
            {"file": _("The file's type (%(type)s) does not match its name.") % {"type": declared}}
        )
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    data = _read(upload, limit)
    if len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if canonical == PDF and not data.startswith(b"%PDF-"):
        raise ValidationError({"file": _("The file is not a PDF document.")})
    if canonical == DOCX and not (data.startswith(b"PK\x03\x04") and _docx_ok(data)):
        raise ValidationError({"file": _("The file is not a Word (DOCX) document.")})
    text = extract_text(data, canonical)
    return CheckedFile(
        name=name,
        content_type=canonical,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )
