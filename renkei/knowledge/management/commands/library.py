"""``renkei library import FILE.jsonl``, ``renkei library export``, ``renkei library search QUERY``.
Thin wrappers round renkei.knowledge (the API and the pages call the same code)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from renkei.accounts.management.imports import ImportCommand
from renkei.accounts.permissions import SYSTEM
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.knowledge.importing import products_export, products_import
from renkei.knowledge.search.service import MODES, SearchFilters, search
from renkei.knowledge.selectors import visible_products


class Command(ImportCommand):
    help = "The knowledge library from the command line: import, export and search products."
    unit = " products"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export,search}")
        imp = sub.add_parser("import", help="products from a JSON Lines file (one product per line)")
        imp.add_argument("file", help="the .jsonl file; file paths in it are relative to it")
        self.add_import_options(imp)
        exp = sub.add_parser("export", help="every product as JSON Lines on standard output")
        exp.add_argument("--published", action="store_true", help="published products only")
        find = sub.add_parser("search", help="search the library as a visitor sees it")
        find.add_argument("query")
        find.add_argument("--kind", default="")
        find.add_argument("--theme", default="")
        find.add_argument("--language", default="")
        find.add_argument("--mode", choices=MODES, default="hybrid")
        find.add_argument("--limit", type=int, default=10)
        find.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def do_import(self, *, file, skip_invalid, dry_run, as_user, **options):
        actor = self.actor(as_user)
        path = Path(file)
        data = read_import_file(file)
        report = products_import(source=data, base_dir=path.parent, actor=actor, skip_invalid=skip_invalid,
                                 dry_run=dry_run, progress=self.progress)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.fatal:
            raise CommandError(_("%(file)s cannot be imported; nothing was written.") % {"file": file})
        if report.errors and not skip_invalid:
            raise CommandError(_("%(n)s lines have errors; nothing was written. Fix them, or use --skip-invalid to "
                                 "import the other lines.") % {"n": len({e.line for e in report.errors})})
        if dry_run:
            self.stdout.write(_("%(n)s products checked; nothing was written (dry run).") % {"n": report.lines})
            return
        self.stdout.write(report.summary())

    def do_export(self, *, published, **options):
        qs = visible_products(SYSTEM).order_by("pk")
        if published:
            qs = qs.filter(status="published")
        self.stdout.write(products_export(qs), ending="")

    def do_search(self, *, query, kind, theme, language, mode, limit, as_json=False, **options):
        if not 1 <= limit <= 100:
            raise CommandError(_("--limit must be from 1 to 100"))
        result = search(viewer=None, query=query, filters=SearchFilters(kind=kind, theme=theme, language=language),
                        mode=mode, page_size=limit)
        if as_json:
            self.stdout.write(json.dumps({
                "total": result.total, "corrections": result.corrections,
                "themes": [t.code for t in result.themes], "places": [p.slug for p in result.places],
                "results": [{"slug": h.product.slug, "title": h.product.title, "score": h.score,
                             "fulltext": h.fulltext, "semantic": h.semantic} for h in result.hits]},
                ensure_ascii=False, indent=2))
            return
        if result.corrections:
            self.stdout.write("Also searched for: " + "; ".join(f"{w} → {', '.join(c)}"
                                                               for w, c in result.corrections.items()))
        if result.themes or result.places:
            self.stdout.write("Searched in both languages: " + ", ".join(
                [*(f"{t.name_en} ({t.name_ja})" for t in result.themes),
                 *(f"{p.name_en} ({p.name_ja})" if p.name_ja else p.name_en for p in result.places)]))
        self.stdout.write(f"{result.total} products")
        for hit in result.hits:
            self.stdout.write(f"{hit.score:6.3f}  {hit.product.slug}  {hit.product.title_text}")

