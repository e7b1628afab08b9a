"""The library's search results (the query, filters and order the page shows, every page of them) as
a spreadsheet, for the library's downloads and `renkei export sheet library`."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from renkei.core.spreadsheets import Column, Sheet
from renkei.knowledge.models import Product
from renkei.knowledge.search import service as search_service
from renkei.places.models import Theme

EXPORT_LIMIT = 10_000


def library_sheet(*, viewer, query: str = "", filters=None, sort: str = "newest") -> Sheet:
    result = search_service.search(viewer=viewer, query=query, filters=filters, sort=sort, page=1,
                                   page_size=EXPORT_LIMIT)
    order = [hit.product.pk for hit in result.hits]
    products = Product.objects.filter(pk__in=order).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("name_en", "name_ja")), "places", "organisations")
    by_pk = {product.pk: product for product in products}

    def rows():
        for pk in order:
            product = by_pk.get(pk)
            if product is None:
                continue
            yield {
                "title": product.title_text, "kind": product.get_kind_display(),
                "published_on": product.published_on, "languages": product.languages or None,
                "themes": [theme.name for theme in product.themes.all()],
                "places": [place.name for place in product.places.all()],
                "organisations": [organisation.name for organisation in product.organisations.all()],
                "authors": product.authors or None, "licence": product.get_licence_display(),
                "summary": product.summary_text or None,
                "address": reverse("knowledge:product", args=[product.slug]),
            }

    return Sheet(title=_("Knowledge library"), name="library", rows=rows(), columns=[
        Column("title", _("Title")), Column("kind", _("Type")), Column("published_on", _("Published")),
        Column("languages", _("Languages")), Column("themes", _("Themes")), Column("places", _("Places")),
        Column("organisations", _("Organisations")), Column("authors", _("Authors")),
        Column("licence", _("Licence")), Column("summary", _("Summary")), Column("address", _("Page in Renkei")),
    ])
