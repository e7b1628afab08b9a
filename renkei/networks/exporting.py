"""The invoices of a network as a spreadsheet (the invoice page's downloads)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renkei.core.spreadsheets import Column, Sheet
from renkei.networks import selectors


def invoice_sheet(*, viewer, network, year: int | None = None) -> Sheet:
    rows = ({"number": i.number, "member": i.member.name, "year": i.year, "currency": i.currency,
             "amount": i.amount, "paid": i.paid, "balance": i.balance, "issued_on": i.issued_on,
             "due_on": i.due_on, "status": i.get_status_display(), "reminders": i.reminders_sent}
            for i in selectors.invoices(viewer=viewer, network=network, year=year))
    return Sheet(title=_("Invoices"), name=f"{network.slug}-invoices", rows=rows, columns=[
        Column("number", _("Number")), Column("member", _("Member")), Column("year", _("Year"), number=True),
        Column("currency", _("Currency")), Column("amount", _("Amount"), number=True),
        Column("paid", _("Paid"), number=True), Column("balance", pgettext("money owed", "Balance"), number=True),
        Column("issued_on", _("Issued")), Column("due_on", _("Due")), Column("status", _("Status")),
        Column("reminders", _("Reminders sent"), number=True)])
