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
    try:
        execute_from_command_line(argv)
    except BrokenPipeError:  # `renkei export places | head` closed the pipe: not an error
        sys.stderr.close()
        os._exit(0)


if __name__ == "__main__":
    main()
