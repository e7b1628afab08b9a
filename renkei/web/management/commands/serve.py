import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Renkei with gunicorn (static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start the background task worker beside the web server")

    def handle(self, *args, port, host, workers, no_task_worker=False, **options):
        self.stdout.write(f"Renkei at http://{host}:{port}/ (Ctrl+C stops)")
        if not no_task_worker and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
            import subprocess

            # Background tasks (embedding edited profiles, index rebuilds) run in this worker; it shares
            # the terminal's process group, so Ctrl+C stops it with the server.
            subprocess.Popen([sys.executable, "-m", "renkei.cli", "db_worker"])  # noqa: S603
        argv = [
            sys.executable, "-m", "gunicorn", "renkei.config.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            "--timeout", "120", "--config", "python:renkei.config.gunicorn",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process with gunicorn
