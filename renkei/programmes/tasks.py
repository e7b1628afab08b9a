"""Background work of the programmes: the e-mails to a decided call's applicants."""

from django_tasks import task


@task()
def notify_applicants(call_id: int) -> int:
    """E-mail every applicant of the call its result; returns how many applications were told."""
    from renkei.programmes.services import notify_applicants as send

    return send(call_id)


def call_decided(*, call_id: int) -> None:
    """After-commit handler of ``events.CALL_DECIDED``: queue the e-mails."""
    notify_applicants.enqueue(call_id)
