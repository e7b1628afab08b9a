"""Indicator values as a spreadsheet: the downloads of an indicator's page (its values across places)
and of a place's indicator page, and `renkei export sheet indicator-values`. The rows are the page's,
in its order, every page of them; who entered a value is left out (a person's name)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.core.spreadsheets import Column, Sheet
from renkei.indicators import selectors
from renkei.indicators.models import Indicator
from renkei.places.models import Place
from renkei.places.selectors import name_order
from renkei.places.validation import country_label


def value_sheet(*, viewer, indicator: Indicator | None = None, place: Place | None = None) -> Sheet:
    qs = selectors.value_list(viewer=viewer, indicator=indicator, place=place)
    if place is not None:
        qs = qs.order_by("indicator__code", "-year", "period", "disaggregation")
    else:
        qs = qs.order_by("indicator__code", "-year", *name_order("place__"), "period", "disaggregation")
    name = "indicator-values" + (f"-{indicator.code}" if indicator else "") + (f"-{place.slug}" if place else "")

    def rows():
        for v in qs.iterator(chunk_size=2000):
            yield {
                "place": v.place.name, "country": country_label(v.place.country),
                "code": v.indicator.code, "indicator": v.indicator.name_text, "unit": v.indicator.get_unit_display(),
                "year": v.year, "period": v.period or None, "disaggregation": v.disaggregation_label or None,
                "value": v.value, "source": v.source, "note": v.note or None, "entered": v.entered_at.date(),
            }

    return Sheet(title=_("Indicator values"), name=name.replace(".", "-"), rows=rows(), columns=[
        Column("place", _("Place")), Column("country", _("Country")), Column("code", _("Indicator code")),
        Column("indicator", _("Indicator")), Column("unit", _("Unit")), Column("year", _("Year"), number=True),
        Column("period", _("Period")), Column("disaggregation", _("Disaggregation")),
        Column("value", _("Value"), number=True), Column("source", _("Source")), Column("note", _("Note")),
        Column("entered", _("Entered")),
    ])
