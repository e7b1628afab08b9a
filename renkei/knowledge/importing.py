"""``renkei library import FILE.jsonl``: one product per line, in the API's shape (docs/data-formats.md).

Every line is checked first — its fields, the places and themes it names, its files (read from
paths relative to the file, only regular files inside its folder, checked for type and size, PDFs
for text) — and nothing is written
while any line is bad, unless ``skip_invalid``. Products are matched by ``slug``: a known slug is
updated, a new one created.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core.errors import ApplicationError, ErrorCollector, NotAllowed
from renkei.core.importing import RowError, json_lines, read_regular_file
from renkei.core.uploads import Upload
from renkei.knowledge import permissions, services
from renkei.knowledge.models import Product
from renkei.knowledge.services import MAX_LIBRARY_FILE_BYTES, clean_product, prepare_files

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from renkei.accounts.models import User


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    fatal: bool = False

    def summary(self) -> str:
        if self.skipped:
            return _("%(lines)s products read: %(created)s created, %(updated)s updated, %(skipped)s skipped.") % {
                "lines": self.lines, "created": self.created, "updated": self.updated, "skipped": self.skipped}
        return _("%(lines)s products read: %(created)s created, %(updated)s updated.") % {
            "lines": self.lines, "created": self.created, "updated": self.updated}


def _parse(data: bytes, report: ImportReport) -> list[tuple[int, dict]]:
    rows, errors, report.fatal = json_lines(data)
    report.errors.extend(errors)
    return rows


def read_file(folder: Path, name: str, *, max_bytes: int = MAX_LIBRARY_FILE_BYTES) -> Upload:
    """The file a line names (``name``, relative to ``folder``), as an upload. Only a regular file
    inside the folder is read — symbolic links are followed first, so one pointing elsewhere is
    refused like ``../x.pdf`` or ``/etc/passwd``; devices, pipes and folders are refused — and never
    more than ``max_bytes`` (the web upload's limit) of it. Raises ApplicationError naming the file."""
    if "\x00" in name:
        raise ApplicationError(_("%(name)s is not a file name") % {"name": repr(name)})
    folder = folder.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise ApplicationError(_("%(name)s is outside the folder of the import file") % {"name": name})
    return Upload(path.name, read_regular_file(path, max_bytes=max_bytes, name=name))


def _files(value, base: Path, number: int, report: ImportReport) -> list[Upload] | None:
    if value in (None, []):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report.errors.append(RowError(number, "files", _("must be a list of file paths")))
        return None
    uploads, known = [], len(report.errors)
    for name in value:
        try:
            uploads.append(read_file(base, name))
        except ApplicationError as exc:
            report.errors.append(RowError(number, "files", exc.message))
    return None if len(report.errors) > known else uploads


def products_import(*, source: bytes, base_dir: Path, actor: User | AnonymousUser, skip_invalid: bool = False,
                    dry_run: bool = False, progress: Callable | None = None) -> ImportReport:
    if not permissions.can_create(actor):
        raise NotAllowed(_("You may not add products to the library."))
    report = ImportReport()
    rows = _parse(source, report)
    report.lines = len(rows) + len([e for e in report.errors if e.line])
    checked = []
    first_line: dict[str, int] = {}  # slug → the line that writes it
    iterator = progress(rows, len(rows), "Checking") if progress else rows
    for number, row in iterator:
        row = dict(row)
        row.pop("file_names", None)  # written by the export for information
        files = _files(row.pop("files", None), base_dir, number, report)
        slug = str(row.get("slug") or "").strip()
        existing = Product.objects.filter(slug=slug).first() if slug else None
        data = {k: v for k, v in row.items() if k not in ("status", "slug")} if existing else row
        # what product_create would refuse only while writing (the whole import then fails, unnamed)
        status, known = row.get("status"), len(report.errors)
        errors = ErrorCollector()
        if status not in (None, "") and status not in Product.Status.values:
            errors.add("status", _("choose one of: %(values)s") % {"values": ", ".join(Product.Status.values)})
        elif status == Product.Status.PUBLISHED and existing is None and not permissions.can_publish(actor):
            errors.add("status", _("only knowledge managers publish products"))
        if slug in first_line:
            errors.add("slug", _("is on line %(n)s already") % {"n": first_line[slug]})
        try:
            clean_product({k: v for k, v in data.items() if k not in ("status", "slug")}, instance=existing)
            if files:
                prepare_files(files)
        except ApplicationError as exc:
            errors.absorb(exc, prefix="")
        for name, messages in errors.items():
            report.errors.extend(RowError(number, name or "line", message) for message in messages)
        if errors:
            continue
        if files is None or len(report.errors) > known:
            continue
        if slug:
            first_line[slug] = number
        checked.append((number, existing, data, files, status))
    bad_lines = {e.line for e in report.errors}
    if report.fatal or (report.errors and not skip_invalid) or dry_run:
        report.skipped = len(bad_lines) if skip_invalid else 0
        return report
    report.skipped = len(bad_lines)
    with transaction.atomic():
        iterator = progress(checked, len(checked), "Importing") if progress else checked
        for _number, existing, data, files, status in iterator:
            if existing is None:
                services.product_create(actor=actor, data=data, files=files)
                report.created += 1
            else:
                services.product_update(actor=actor, product=existing, data=data)
                if files:
                    services.files_add(actor=actor, product=existing, files=files)
                if status and status != existing.status and permissions.can_publish(actor):
                    existing.refresh_from_db()
                    services.product_set_status(actor=actor, product=existing, status=status)
                report.updated += 1
    return report


def products_export(qs) -> str:
    """JSON Lines in the import's shape (files are not exported; their names are listed)."""
    lines = []
    for p in qs.prefetch_related("themes", "places", "organisations", "files", "editors").select_related(
            "partnership", "activity"):
        lines.append(json.dumps({
            "slug": p.slug, "kind": p.kind, "title": p.title, "summary": p.summary, "body": p.body,
            "video_url": p.video_url, "themes": [t.code for t in p.themes.all()],
            "places": [x.slug for x in p.places.all()], "organisations": [o.slug for o in p.organisations.all()],
            "partnership": p.partnership.slug if p.partnership else None,
            "activity": p.activity.slug if p.activity else None, "pilot": p.pilot_id,
            "published_on": p.published_on.isoformat() if p.published_on else None, "authors": p.authors,
            "licence": p.licence, "suits_min_population": p.suits_min_population,
            "suits_max_population": p.suits_max_population, "preconditions": p.preconditions,
            "cost_min_eur": None if p.cost_min_eur is None else str(p.cost_min_eur),
            "cost_max_eur": None if p.cost_max_eur is None else str(p.cost_max_eur),
            "visibility": p.visibility, "status": p.status, "editors": [u.username for u in p.editors.all()],
            "file_names": [f.name for f in p.files.all()],
        }, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + ("\n" if lines else "")
