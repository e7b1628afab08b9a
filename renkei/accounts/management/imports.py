"""What the import commands (`renkei import`, `renkei library import`) share: the options, the user
the changes are recorded for, and a progress bar on the error stream."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from renkei.accounts.permissions import SYSTEM


class ImportCommand(BaseCommand):
    unit = " rows"  # what the progress bar counts

    @staticmethod
    def add_import_options(parser, *, skip_invalid: bool = True) -> None:
        """``--skip-invalid`` (unless the import has no rows to skip), ``--dry-run`` and ``--as USERNAME``."""
        if skip_invalid:
            parser.add_argument("--skip-invalid", action="store_true",
                                help="write the good rows and report the bad ones, instead of writing nothing")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="the user the changes are recorded for (default: the system)")

    def progress(self, items, total, description):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(items, total=total, desc=description, unit=self.unit, file=stream, disable=None)

    def actor(self, username):
        """The user named ``--as``, else the system."""
        if not username:
            return SYSTEM
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user named %(name)s.") % {"name": repr(username)})
        return user
