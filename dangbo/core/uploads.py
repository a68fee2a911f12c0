"""One check for every uploaded file, and one way to serve stored files back.

``check(upload, accept=EVIDENCE, field="evidence")`` accepts a file only when its name's
extension is one of the formats this use accepts, the content type the browser declared
fits that extension, its first bytes are that format's (a PDF starts ``%PDF-``, a DOCX is a
zip whose ``[Content_Types].xml`` names a Word document…), and it is not larger than
``DANGBO_MAX_UPLOAD_MB``. Anything else is refused with a ``ValidationError`` keyed by
``field`` saying why: forms show it beside the field, the API answers 400.

Office files (DOCX, XLSX) are zip archives, and a small archive can unpack to gigabytes.
Before any parser sees one, ``open_zip`` reads its directory and every member in small
chunks: at most ``MAX_ZIP_MEMBERS`` members, none unpacking to more than
``MAX_PART_BYTES``, all together to no more than ``MAX_UNZIPPED_BYTES``, and no member
unpacking to more than it declares. Memory stays bounded whatever the file says.

``serve(file, name=…, content_type=…)`` answers a stored file as an attachment, never shown
inline: a safe ASCII ``filename`` with the exact name in ``filename*`` (RFC 6266/5987), the
format's content type (a type outside the accepted formats is served as bytes) and
``X-Content-Type-Options: nosniff``. ``attachment(body, …)`` does the same for a file made
on the spot (an export).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_UPLOAD_MB = 20
#: A zip archive (DOCX, XLSX) may hold at most this many members…
MAX_ZIP_MEMBERS = 2_000
#: …each unpacking to at most this many bytes (the text of a very long document is a few MB;
#: a picture inside is stored as it is, so a member may always be as large as an upload)…
MAX_PART_BYTES = 32 * 1024 * 1024
#: …and all together to at most this many (or four uploads' worth, if that is more).
MAX_UNZIPPED_BYTES = 128 * 1024 * 1024
#: Members are read this many bytes at a time.
CHUNK = 256 * 1024
#: ``[Content_Types].xml`` is never larger than this.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

OCTET = "application/octet-stream"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Format:
    """A kind of file: its label, extensions, content type and how its first bytes look."""

    key: str
    label: Any
    extensions: tuple[str, ...]
    content_type: str
    #: Content types browsers send for it (besides ``content_type``).
    declared: frozenset[str]
    #: Whether ``data`` is this format (``data`` is at most the size limit).
    looks_right: Callable[[bytes], bool]
    wrong: Any  # "The file is not a … document."


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]  # a few writers put bytes before the header


def _office(main_type: bytes) -> Callable[[bytes], bool]:
    """A zip whose ``[Content_Types].xml`` names ``main_type`` as a part's type."""

    def looks_right(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "[Content_Types].xml" not in archive.namelist():
                    return False
                types = read_member(archive, "[Content_Types].xml", MAX_CONTENT_TYPES_BYTES)
        except (zipfile.BadZipFile, ValidationError, OSError, EOFError, NotImplementedError, RuntimeError):
            return False
        return b'ContentType="' + main_type + b'"' in types

    return looks_right


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


FORMATS: dict[str, Format] = {
    f.key: f
    for f in [
        Format("pdf", "PDF", (".pdf",), PDF, frozenset({"application/x-pdf"}), _is_pdf,
               gettext_lazy("The file is not a PDF document.")),
        Format("docx", gettext_lazy("Word (DOCX)"), (".docx",), DOCX, frozenset({OCTET, "application/zip"}),
               _office(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
               gettext_lazy("The file is not a Word (DOCX) document.")),
        Format("xlsx", gettext_lazy("Excel (XLSX)"), (".xlsx",), XLSX, frozenset({OCTET, "application/zip"}),
               _office(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
               gettext_lazy("The file is not an Excel (XLSX) workbook.")),
        Format("doc", gettext_lazy("Word 97–2003 (DOC)"), (".doc",), DOC, frozenset({OCTET}),
               lambda data: data.startswith(_OLE), gettext_lazy("The file is not a Word 97–2003 (DOC) document.")),
        Format("xls", gettext_lazy("Excel 97–2003 (XLS)"), (".xls",), XLS, frozenset({OCTET}),
               lambda data: data.startswith(_OLE), gettext_lazy("The file is not an Excel 97–2003 (XLS) workbook.")),
        Format("png", "PNG", (".png",), PNG, frozenset(),
               lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"), gettext_lazy("The file is not a PNG image.")),
        Format("jpeg", "JPEG", (".jpg", ".jpeg"), JPEG, frozenset({"image/pjpeg"}),
               lambda data: data.startswith(b"\xff\xd8\xff"), gettext_lazy("The file is not a JPEG image.")),
        Format("txt", gettext_lazy("text (TXT)"), (".txt",), TEXT, frozenset(), _is_text,
               gettext_lazy("The file is not plain text (UTF-8).")),
    ]
}

#: What each use accepts.
DOCUMENT = ("pdf", "docx")  # attached to a document or a study session: their text is read
WORKBOOK = ("xlsx",)  # an import
EVIDENCE = ("pdf", "docx", "doc", "xlsx", "xls", "png", "jpeg", "txt")  # a report's evidence

#: Content types a stored file may be served with.
SERVED_TYPES = frozenset(f.content_type for f in FORMATS.values())


def max_upload_bytes() -> int:
    megabytes = getattr(settings, "DANGBO_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    return int(float(megabytes) * 1024 * 1024)


@dataclass
class CheckedUpload:
    name: str
    format: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _too_large(field: str, limit: int) -> ValidationError:
    return _refuse(field, _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limit)})


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return str(int(value)) if value >= 1 else f"{value:.2f}".rstrip("0")


def check(upload, *, accept: Sequence[str] = DOCUMENT, field: str = "file") -> CheckedUpload:
    """The upload, read and checked (extension, declared type, first bytes, size) for a use
    that accepts the formats ``accept``; ``ValidationError`` keyed by ``field`` otherwise."""
    name = PurePath(str(getattr(upload, "name", "") or "file").replace("\\", "/")).name[:255] or "file"
    extension = PurePath(name).suffix.lower()
    formats = [FORMATS[key] for key in accept]
    chosen = next((f for f in formats if extension in f.extensions), None)
    if chosen is None:
        labels = ", ".join(str(f.label) for f in formats)
        raise _refuse(field, _("Only these files are accepted: %(formats)s.") % {"formats": labels})
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared and declared != chosen.content_type and declared not in chosen.declared:
        raise _refuse(field, _("The file's type (%(type)s) does not match its name.") % {"type": declared[:100]})
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(field, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(field, limit)
    if not data:
        raise _refuse(field, _("The file is empty."))
    if data.startswith(b"PK\x03\x04") and chosen.content_type in (DOCX, XLSX):
        open_zip(data, field=field).close()  # refuses a bomb before anything parses it
    if not chosen.looks_right(data):
        raise _refuse(field, str(chosen.wrong))
    return CheckedUpload(
        name=name, format=chosen.key, content_type=chosen.content_type, data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --- Zip archives ---------------------------------------------------------------------------


def _declared_members(data: bytes) -> int | None:
    """The number of members the end of the archive declares, read before ``zipfile`` builds
    an object for each of them; None when the record is not found."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    return count if count != 0xFFFF else None  # 0xFFFF: zip64 keeps the real count


def _damaged(field: str) -> ValidationError:
    return _refuse(field, _("The file could not be read; it may be damaged or protected."))


def _zip_limits() -> tuple[int, int]:
    """(the most one member, the most all members may unpack to)."""
    upload = max_upload_bytes()
    return max(MAX_PART_BYTES, upload), max(MAX_UNZIPPED_BYTES, 4 * upload)


def _unpacks_too_large(field: str, limit: int) -> ValidationError:
    return _refuse(
        field,
        _("The file is too large once unpacked (more than %(mb)s MB); it cannot be read.")
        % {"mb": _megabytes(limit)},
    )


def open_zip(data: bytes, *, field: str = "file") -> zipfile.ZipFile:
    """``data`` as an open zip archive, once every member has been read (in chunks) and found
    within the limits; ``ValidationError`` keyed by ``field`` otherwise. Close it after use."""
    declared = _declared_members(data)
    if declared is not None and declared > MAX_ZIP_MEMBERS:
        raise _refuse(field, _("The file has too many parts (more than %(n)s).") % {"n": MAX_ZIP_MEMBERS})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _damaged(field) from error
    try:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _refuse(field, _("The file has too many parts (more than %(n)s).") % {"n": MAX_ZIP_MEMBERS})
        part_limit, total_limit = _zip_limits()
        if any(m.file_size > part_limit for m in members):
            raise _unpacks_too_large(field, part_limit)
        if sum(m.file_size for m in members) > total_limit:
            raise _unpacks_too_large(field, total_limit)
        total = 0
        for member in members:
            total += sum(len(chunk) for chunk in _chunks(archive, member, part_limit, field))
            if total > total_limit:
                raise _unpacks_too_large(field, total_limit)
    except ValidationError:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int, *, field: str = "file") -> bytes:
    """The unpacked bytes of ``member``, refused beyond ``limit``."""
    return b"".join(_chunks(archive, member, limit, field))


def _chunks(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int, field: str) -> Iterator[bytes]:
    """``member`` unpacked, a chunk at a time; refused beyond ``limit`` or beyond its declared
    size (an archive that lies), or when its data is not what the directory says."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    if info.file_size > limit:
        raise _unpacks_too_large(field, limit)
    read = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                if read > limit or read > info.file_size:
                    raise _unpacks_too_large(field, min(limit, info.file_size))
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        # A wrong checksum, an encrypted member, an unknown compression.
        raise _damaged(field) from error


# --- Serving --------------------------------------------------------------------------------

R = TypeVar("R", bound=HttpResponseBase)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


def safe_name(name: str) -> str:
    """The file name without a path, control characters or characters that break a header."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _UNSAFE.sub("_", name.replace("\r", "").replace("\n", "")).strip(" .") or "file"
    return name[:200]


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^\x20-\x7e]", "_", text) or "file"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name in ``filename*``."""
    name = safe_name(name)
    fallback = _ascii(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _headers(response: R, name: str) -> R:
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve(file, *, name: str, content_type: str) -> FileResponse:
    """A stored file (an open ``FieldFile`` or file object) as a download, never inline."""
    served = content_type if content_type in SERVED_TYPES else OCTET
    response = FileResponse(file, content_type=served)
    return _headers(response, name)


def attachment(body: bytes, *, name: str, content_type: str) -> HttpResponse:
    """A file made on the spot (an export) as a download, with the same headers."""
    return _headers(HttpResponse(body, content_type=content_type), name)
