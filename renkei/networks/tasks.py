"""Background work of the networks: the reminders of overdue dues, by e-mail."""

from django_tasks import task


@task()
def send_reminders(network_id: int) -> int:
    """E-mail the representatives of every member with an overdue invoice; returns how many
    invoices were reminded."""
    from renkei.networks.services import send_reminders as send

    return send(network_id)


def reminders_requested(*, network_id: int) -> None:
    """After-commit handler of ``events.REMINDERS_REQUESTED``: queue the e-mails."""
    send_reminders.enqueue(network_id)
