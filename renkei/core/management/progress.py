"""What the archive commands (`renkei backup`, `renkei restore`) share: a progress bar on the
command's error stream, and the archive's, the file system's and the database's errors reported as
the command's error."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from renkei.core.errors import ApplicationError


def run_with_progress(command: BaseCommand, work: Callable, *, disable: bool, total: int | None = None,
                      steps: Callable[[str], int] = lambda label: 1):
    """``work(progress)``, where ``progress(label, n)`` advances the bar by ``steps(label)``."""
    bar = tqdm(total=total, unit="part", disable=disable, file=command.stderr._out)
    try:
        return work(lambda label, n: bar.update(steps(label)))
    except (ApplicationError, OSError, DatabaseError) as exc:
        raise CommandError(str(exc)) from exc
    finally:
        bar.close()
