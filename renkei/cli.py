"""The ``renkei`` console command: every Django management command under Renkei's settings.

``renkei migrate``, ``renkei demo``, ``renkei import places FILE``, ``renkei serve`` …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "renkei"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
