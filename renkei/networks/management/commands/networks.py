"""``renkei networks import NETWORK FILE``: members from CSV (every bad line reported, nothing
written unless all are good); ``renkei networks schedule NETWORK --terms N``: the next presidents
under the network's rules, or the rule that makes it impossible; ``renkei networks remind
NETWORK``: queue the reminders of overdue invoices. See docs/data-formats.md."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from renkei.accounts.management.imports import ImportCommand
from renkei.core.errors import ApplicationError
from renkei.core.importing import read_import_file
from renkei.networks import selectors, services


class Command(ImportCommand):
    help = "Intercity networks: import members, propose presidents, send reminders."
    unit = " members"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,schedule,remind}")
        imp = sub.add_parser("import", help="members from a CSV file (docs/data-formats.md)")
        imp.add_argument("network", help="the network's URL name")
        imp.add_argument("file", help="the .csv file, or - for standard input")
        imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        imp.add_argument("--as", dest="as_user", metavar="USERNAME",
                         help="the user the changes are recorded for (default: the system)")
        schedule = sub.add_parser("schedule", help="propose the next presidents under the network's rules")
        schedule.add_argument("network", help="the network's URL name")
        schedule.add_argument("--terms", type=int, required=True, metavar="N", help="how many terms to propose")
        schedule.add_argument("--first-year", type=int, metavar="YEAR", help="the first term's year")
        schedule.add_argument("--max-terms", type=int, metavar="K", help="at most K terms per member in all")
        schedule.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        remind = sub.add_parser("remind", help="e-mail reminders of overdue invoices (a background task)")
        remind.add_argument("network", help="the network's URL name")
        remind.add_argument("--as", dest="as_user", metavar="USERNAME")

    def handle(self, *args, action, network, **options):
        actor = self.actor(options.get("as_user"))
        try:
            net = selectors.network_get(viewer=actor, slug=network)
            if action == "import":
                self.import_members(actor, net, **options)
            elif action == "schedule":
                self.schedule(actor, net, **options)
            else:
                count = services.reminders_request(actor=actor, network=net)
                self.stdout.write(f"{count} overdue invoice(s): reminders queued.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def import_members(self, actor, network, *, file, dry_run, **options):
        report = services.members_import(actor=actor, network=network, source=read_import_file(file),
                                         dry_run=dry_run, progress=self.progress)
        for line in report.error_lines():
            self.stderr.write(line)
        if not report.ok:
            raise CommandError(f"Nothing imported: {len(report.errors)} problem(s).")
        verb = "would import" if dry_run else "imported"
        self.stdout.write(f"{report.created} member(s) {verb}.")

    def schedule(self, actor, network, *, terms, first_year, max_terms, as_json=False, **options):
        rules = selectors.rules_of(network).model_dump()
        if max_terms:
            rules["max_terms"] = max_terms
        result = selectors.presidency_schedule(viewer=actor, network=network, data={
            "terms": terms, "first_year": first_year, "rules": rules})
        s = result.schedule
        rows = [{"term": p.term, "years": f"{p.starts_year}-{p.ends_year}", "member": p.candidate.key,
                 "name": p.candidate.name, "country": p.candidate.country, "region": p.candidate.region,
                 "reason": selectors.proposal_reason(p)} for p in s.proposals]
        refusal = selectors.refusal_text(s.refusal) if s.refusal else None
        if as_json:
            self.stdout.write(json.dumps({"ok": s.ok, "proposals": rows, "reason": refusal,
                                          "refused_by": s.refusal.rule if s.refusal else None},
                                         ensure_ascii=False, indent=2))
        else:
            for row in rows:
                self.stdout.write(f"{row['years']}  {row['name']} ({row['country']}, {row['region']}): {row['reason']}")
        if refusal:
            raise CommandError(refusal)
