"""Events the network services emit (``renkei.core.hooks``)."""

REMINDERS_REQUESTED = "networks.reminders_requested"
INVOICES_ISSUED = "networks.invoices_issued"
PAYMENT_RECORDED = "networks.payment_recorded"
