"""Derive the indicators' ledger again from the event log and the steps (after an upgrade, or to check it)."""

from django.core.management.base import BaseCommand, CommandError

from cases import ledger
from cases.models import Case


class Command(BaseCommand):
    help = "Rebuild the per-case ledger from the event log (--check: only compare with the maintained one)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report cases whose ledger differs; write nothing.")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, check=False, batch=2000, **options):
        differing, written, seen = [], 0, 0
        last = 0
        while ids := list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
            last, seen = ids[-1], seen + len(ids)
            cases = (
                Case.objects.filter(pk__in=ids).select_related("category").prefetch_related("steps", "events", "ledger")
            )
            if check:
                differing += [case.number for case in cases if not ledger.agrees(case)]
            else:
                written += ledger.rebuild(cases)
        if check:
            if differing:
                raise CommandError(f"{len(differing)} case(s) differ, e.g. {', '.join(differing[:10])}")
            self.stdout.write(f"The ledger of {seen} cases agrees with their event log.")
        else:
            self.stdout.write(f"{written} ledger versions written for {seen} cases.")
