"""Checking uploaded files before anything is stored — the one check every upload passes
(application attachments, agreement documents, library files; web form, API, admin and import):
the extension must be one the field accepts, the size in bounds, and the content must be what the
extension says. The first bytes are compared (a renamed .exe is not a PDF), and then the file is
opened as far as needed to know it is whole: a PDF must open (and not only with a password), a
Word, Excel or PowerPoint file must be a ZIP archive holding that kind of document, an
OpenDocument file must name its type, a PNG must start with its header.

Files are read no further than one byte past the limit (``Upload.read``), so a huge upload is
refused without being held in memory.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy Office (.doc, .xls, .ppt)

#: extension → the first bytes a genuine file of that type starts with (any of them)
DOCUMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".pptx": ZIP,
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
#: documents plus what a library keeps: legacy Office, OpenDocument, GIF and WebP images
LIBRARY_TYPES: dict[str, tuple[bytes, ...]] = {
    **DOCUMENT_TYPES,
    ".doc": OLE,
    ".xls": OLE,
    ".ppt": OLE,
    ".odt": ZIP,
    ".ods": ZIP,
    ".odp": ZIP,
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
#: how a type is named to people
FILE_TYPE_NAMES = {".pdf": "PDF", ".docx": "Word (.docx)", ".xlsx": "Excel (.xlsx)", ".pptx": "PowerPoint (.pptx)",
                   ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".doc": "Word (.doc)", ".xls": "Excel (.xls)",
                   ".ppt": "PowerPoint (.ppt)", ".odt": "OpenDocument text", ".ods": "OpenDocument spreadsheet",
                   ".odp": "OpenDocument presentation", ".gif": "GIF", ".webp": "WebP"}
MAX_FILE_BYTES = 10 * 1024 * 1024


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def extension(self) -> str:
        return os.path.splitext(self.name.lower())[1]

    @classmethod
    def read(cls, uploaded, max_bytes: int = MAX_FILE_BYTES) -> Upload:
        """An uploaded file (Django's ``UploadedFile``) from its start, read no further than one byte
        past ``max_bytes``: enough for :func:`check_upload` to refuse it as too large."""
        with contextlib.suppress(AttributeError, OSError, ValueError):
            uploaded.seek(0)
        return cls(getattr(uploaded, "name", None) or "file", uploaded.read(max_bytes + 1))


def _pdf_problem(content: bytes) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):  # opens only with a password
                    return "encrypted"
            except (NotImplementedError, PyPdfError):  # or with an encryption pypdf does not know
                return "encrypted"
        len(reader.pages)  # reads the cross-reference table and the page tree
    except Exception as exc:  # noqa: BLE001 - whatever pypdf trips over, the file is not a readable PDF
        log.info("unreadable PDF: %s", exc)
        return "damaged"
    return None


#: the content type an Office Open XML package declares for its main part
OOXML_MAIN = {".docx": b"wordprocessingml.document.main", ".xlsx": b"spreadsheetml.sheet.main",
              ".pptx": b"presentationml.presentation.main"}
ODF_TYPES = {".odt": b"application/vnd.oasis.opendocument.text",
             ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
             ".odp": b"application/vnd.oasis.opendocument.presentation"}


def _zip_member(archive: zipfile.ZipFile, name: str, limit: int = 1 << 20) -> bytes:
    """The start of one member (never more than ``limit`` bytes: no ZIP bomb is unpacked)."""
    with archive.open(name) as handle:
        return handle.read(limit)


def _package_problem(extension: str) -> Callable[[bytes], str | None]:
    def problem(content: bytes) -> str | None:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if extension in OOXML_MAIN:
                    declared = _zip_member(archive, "[Content_Types].xml")
                    return None if OOXML_MAIN[extension] in declared else "other"
                return None if _zip_member(archive, "mimetype", 100).strip() == ODF_TYPES[extension] else "other"
        except KeyError:  # the member that says what the package is, missing
            return "other"
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError,
                NotImplementedError):  # RuntimeError: a member that needs a password
            return "damaged"
    return problem


def _png_problem(content: bytes) -> str | None:
    return None if content[12:16] == b"IHDR" else "damaged"


def _webp_problem(content: bytes) -> str | None:
    return None if content[8:12] == b"WEBP" else "other"


#: extension → a look inside a file whose first bytes are right: None, or what is wrong
#: ("damaged", "encrypted", or "other": it is some other kind of file)
CONTENT_CHECKS: dict[str, Callable[[bytes], str | None]] = {
    ".pdf": _pdf_problem, ".png": _png_problem, ".webp": _webp_problem,
    **{extension: _package_problem(extension) for extension in (*OOXML_MAIN, *ODF_TYPES)},
}


def check_upload(upload: Upload, field: str, *, types: dict[str, tuple[bytes, ...]] = DOCUMENT_TYPES,
                 max_bytes: int = MAX_FILE_BYTES, allowed: tuple[str, ...] | None = None) -> None:
    """Raise ApplicationError (naming the file and ``field``) unless the upload is acceptable.
    ``allowed`` narrows ``types`` to these extensions."""
    if allowed is not None:
        types = {ext: magic for ext, magic in types.items() if ext in allowed}
    extension = upload.extension
    magic = types.get(extension)
    if magic is None:
        names = ", ".join(dict.fromkeys(FILE_TYPE_NAMES.get(e, e[1:].upper()) for e in types))
        if types is LIBRARY_TYPES:
            message = _("%(name)s: this type of file is not accepted (accepted: %(types)s).")
        else:
            message = _("%(name)s: only %(types)s files are accepted.")
        raise ApplicationError(message % {"name": upload.name, "types": names}, field=field)
    if not upload.content:
        raise ApplicationError(_("%(name)s is empty.") % {"name": upload.name}, field=field)
    if len(upload.content) > max_bytes:
        raise ApplicationError(_("%(name)s is larger than %(mb)s MB.") % {
            "name": upload.name, "mb": round(max_bytes / 1024 / 1024)}, field=field)
    check = CONTENT_CHECKS.get(extension)
    problem = "other" if not upload.content.startswith(magic) else check(upload.content) if check else None
    if problem == "encrypted":
        raise ApplicationError(_("%(name)s is protected by a password; upload it without one.")
                               % {"name": upload.name}, field=field)
    if problem == "damaged":
        if extension == ".pdf":
            message = _("%(name)s cannot be read as a PDF (damaged or incomplete?).") % {"name": upload.name}
        else:
            message = _("%(name)s is damaged or incomplete: it cannot be read as %(type)s.") % {
                "name": upload.name, "type": FILE_TYPE_NAMES.get(extension, extension[1:].upper())}
        raise ApplicationError(message, field=field)
    if problem:
        raise ApplicationError(_("%(name)s is not really a %(ext)s file.") % {"name": upload.name,
                                                                             "ext": extension[1:].upper()},
                               field=field)


def stored_file_response(stored, filename: str, *, inline: bool = False):
    """A stored file (a FieldFile) streamed back, or None when there is none: no file recorded, or
    gone from storage. The caller answers None with its own 404."""
    from django.http import FileResponse

    if not stored:
        return None
    try:
        handle = stored.open("rb")
    except OSError:  # FileNotFoundError included
        return None
    return FileResponse(handle, as_attachment=not inline, filename=filename)


@contextlib.contextmanager
def removed_on_failure(storage=None) -> Iterator[list[str]]:
    """A list for the names of the files stored inside the block: when the block fails (its
    transaction rolled back), those files are deleted again, so no file outlives its row."""
    if storage is None:
        from django.core.files.storage import default_storage as storage
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
