"""Files for the upload tests, made here (no binary fixtures): PDFs, Office and OpenDocument packages, images."""

from __future__ import annotations

import io


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_with_text(*lines: str) -> bytes:
    """A valid one-page PDF whose text layer holds ``lines`` (Helvetica, so ASCII text only)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({_escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def blank_pdf() -> bytes:
    """A valid PDF with one empty page and no text (like a scan without OCR)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that opens only with a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_text("Confidential"))))
    writer.encrypt(user_password="open-sesame", owner_password="owner-sesame")  # noqa: S106 - a test file
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_pdf() -> bytes:
    """Starts like a PDF, but the rest is cut off and garbled."""
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a pdf any more"


def _zipped(members: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


_OOXML = {"docx": ("word/document.xml", "wordprocessingml.document.main"),
          "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main"),
          "pptx": ("ppt/presentation.xml", "presentationml.presentation.main")}


def office(kind: str = "docx") -> bytes:
    """A minimal Office Open XML package of ``kind`` (docx, xlsx, pptx): what the upload check reads."""
    part, content_type = _OOXML[kind]
    types = (f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.'
             f'{content_type}+xml"/></Types>')
    return _zipped({"[Content_Types].xml": types.encode(), part: b"<document/>"})


def opendocument(kind: str = "text") -> bytes:
    """A minimal OpenDocument package (text, spreadsheet, presentation)."""
    return _zipped({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<office/>"})


def zipped(members: dict[str, bytes]) -> bytes:
    """A ZIP archive of these members (a package that is not what its name says)."""
    return _zipped(members)


def png() -> bytes:
    """A one-pixel PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
