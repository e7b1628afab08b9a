"""The one upload check: the type the name says, the size, and content that really is of that type."""

import io

import pytest

from renkei.core.errors import ApplicationError
from renkei.core.tests.files import (
    JPEG,
    blank_pdf,
    damaged_pdf,
    encrypted_pdf,
    office,
    opendocument,
    pdf_with_text,
    png,
    zipped,
)
from renkei.core.uploads import DOCUMENT_TYPES, LIBRARY_TYPES, Upload, check_upload


@pytest.mark.parametrize(("name", "content"), [
    ("letter.pdf", pdf_with_text("Signed")), ("scan.pdf", blank_pdf()), ("minutes.docx", office("docx")),
    ("budget.xlsx", office("xlsx")), ("slides.pptx", office("pptx")), ("photo.png", png()), ("photo.jpg", JPEG),
    ("Photo.JPEG", JPEG),
])
def test_genuine_documents_are_accepted(name, content):
    check_upload(Upload(name, content), "document")


@pytest.mark.parametrize(("name", "content"), [
    ("notes.odt", opendocument("text")), ("table.ods", opendocument("spreadsheet")),
    ("talk.odp", opendocument("presentation")), ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
    ("map.gif", b"GIF89a" + b"\x00" * 16), ("map.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
])
def test_the_library_accepts_more_types(name, content):
    check_upload(Upload(name, content), "files", types=LIBRARY_TYPES)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("mou.pdf", damaged_pdf(), "mou.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("mou.pdf", pdf_with_text("Cut")[:200], "mou.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("mou.pdf", b"%PDF-1.4 signed", "mou.pdf cannot be read as a PDF (damaged or incomplete?)."),
    ("mou.pdf", encrypted_pdf(), "mou.pdf is protected by a password; upload it without one."),
    ("mou.pdf", b"GIF89a", "mou.pdf is not really a PDF file."),
    ("mou.docx", office("xlsx"), "mou.docx is not really a DOCX file."),
    ("mou.docx", zipped({"readme.txt": b"hello"}), "mou.docx is not really a DOCX file."),
    ("mou.docx", office("docx")[:100], "mou.docx is damaged or incomplete: it cannot be read as Word (.docx)."),
    ("budget.xlsx", b"PK\x03\x04" + b"\x00" * 64,
     "budget.xlsx is damaged or incomplete: it cannot be read as Excel (.xlsx)."),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png is damaged or incomplete: it cannot be read as PNG."),
    ("scan.png", b"\x89PNG", "scan.png is not really a PNG file."),
    ("scan.png", JPEG, "scan.png is not really a PNG file."),
    ("mou.exe", b"MZ",
     "mou.exe: only PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG files are accepted."),
    ("mou.pdf", b"", "mou.pdf is empty."),
])
def test_what_is_not_what_its_name_says_is_refused_naming_the_file(name, content, message):
    with pytest.raises(ApplicationError) as caught:
        check_upload(Upload(name, content), "document")
    assert caught.value.message == message and caught.value.errors == {"document": [message]}


@pytest.mark.parametrize(("name", "content"), [
    ("notes.odt", opendocument("spreadsheet")), ("notes.odt", zipped({"content.xml": b"<x/>"})),
    ("map.webp", b"RIFF\x10\x00\x00\x00AVI LIST"),
])
def test_opendocument_and_webp_must_say_what_they_are(name, content):
    with pytest.raises(ApplicationError, match="is not really a"):
        check_upload(Upload(name, content), "files", types=LIBRARY_TYPES)


def test_the_size_limit_and_the_types_a_field_allows():
    check_upload(Upload("a.pdf", pdf_with_text("x")), "f", max_bytes=len(pdf_with_text("x")))
    with pytest.raises(ApplicationError, match="a.pdf is larger than 0 MB"):
        check_upload(Upload("a.pdf", pdf_with_text("x")), "f", max_bytes=100)
    with pytest.raises(ApplicationError, match="only PDF, PNG files are accepted"):
        check_upload(Upload("a.docx", office()), "f", allowed=(".pdf", ".png"))
    assert set(DOCUMENT_TYPES) <= set(LIBRARY_TYPES)


def test_an_upload_is_read_no_further_than_one_byte_past_the_limit():
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 1000)
    uploaded.read(10)  # a form already looked at it
    upload = Upload.read(uploaded, max_bytes=100)
    assert upload.name == "big.pdf" and upload.content == (b"%PDF" + b"0" * 1000)[:101]
    assert Upload.read(io.BytesIO(b"%PDF")).name == "file"
