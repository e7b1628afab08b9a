"""An import file named on the command line is read only if it is a regular file, and never more
than RENKEI_MAX_IMPORT_BYTES of it: `/dev/zero`, a pipe or a huge file is a clear error."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file

pytestmark = pytest.mark.django_db

COMMANDS = [("import", "places"), ("import", "profiles"), ("library", "import")]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_a_device_is_refused(command):
    with pytest.raises(CommandError, match="/dev/zero is not a regular file"):
        call_command(*command, "/dev/zero", *(["--format", "json"] if command[1] == "places" else []),
                     stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_a_file_over_the_limit_is_refused(command, tmp_path, settings):
    settings.RENKEI_MAX_IMPORT_BYTES = 1024 * 1024
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(CommandError, match="big.json is larger than 1 MB"):
        call_command(*command, str(big), stdout=io.StringIO(), stderr=io.StringIO())


def test_a_pipe_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ApplicationError, match="is not a regular file"):
        read_import_file(str(fifo))


def test_standard_input_is_read_up_to_the_limit(monkeypatch, settings):
    settings.RENKEI_MAX_IMPORT_BYTES = 10

    class Stdin:
        buffer = io.BytesIO(b"x" * 100)

    monkeypatch.setattr("sys.stdin", Stdin)
    with pytest.raises(ApplicationError, match="larger than"):
        read_import_file("-")
    Stdin.buffer = io.BytesIO(b"[]")
    assert read_import_file("-") == b"[]"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ApplicationError, match="Cannot read .*nowhere.json"):
        read_import_file(str(tmp_path / "nowhere.json"))
