from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.activities.demo import activities_demo_load
from renkei.connections.demo import connections_demo_load
from renkei.core.errors import ApplicationError
from renkei.demo.accounts import demo_users
from renkei.demo.work import work_demo_load
from renkei.evaluation.demo import evaluation_demo_assign, evaluation_demo_load
from renkei.iati.demo import iati_demo_load
from renkei.indicators.demo import indicators_demo_load
from renkei.knowledge.demo import knowledge_demo_load
from renkei.matching.demo import matching_demo_load
from renkei.networks.demo import networks_demo_load
from renkei.partnerships.demo import partnerships_demo_load
from renkei.places.demo import demo_load
from renkei.programmes.demo import programmes_demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args, no_users=False, **options):
        try:
            counts = demo_load()
        except ApplicationError as exc:
            raise CommandError(f"Demo data is invalid: {exc.message}") from exc
        counts["programme records"] = programmes_demo_load()
        counts["partnerships"] = partnerships_demo_load()
        counts["answers to suggested partners"] = matching_demo_load()
        counts["activities and sessions"] = activities_demo_load()
        counts["knowledge records"] = knowledge_demo_load()
        counts["indicator values and peer groups"] = indicators_demo_load()
        counts["results and evaluation records"] = evaluation_demo_load()
        counts["sample connected people"] = connections_demo_load()
        counts["IATI settings"] = iati_demo_load()
        counts["networks"] = networks_demo_load()
        changed = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Demo data loaded ({changed} created or changed).")
        if no_users or settings.PRODUCTION:
            return
        created = demo_users()
        evaluation_demo_assign()
        networks_demo_load()  # the demo secretariat account becomes the demo networks' secretariat
        work_demo_load()  # something on each demo account's start page
        if created:
            self.stdout.write("Demo accounts (password: renkei-demo): " + ", ".join(created))
