"""Checking uploaded files before anything is stored: the extension must be one we accept, the
first bytes must say the same thing (a renamed .exe is not a PDF), and the size must be in bounds.

Applications, agreements and knowledge products all accept files; each passes its own limit.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
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
    ".png": (b"\x89PNG",),
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


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def extension(self) -> str:
        return os.path.splitext(self.name.lower())[1]


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
    if not upload.content.startswith(magic) or (extension == ".webp" and upload.content[8:12] != b"WEBP"):
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
