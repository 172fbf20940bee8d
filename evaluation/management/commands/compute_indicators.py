import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from evaluation.services import compute_snapshot, previous_month, start_snapshot


class Command(BaseCommand):
    help = _("Compute an indicator snapshot for any date range (default: the previous month).")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat)

    def handle(self, *args, start, end, **options):
        if (start is None) != (end is None):
            raise CommandError(_("Give both --from and --to, or neither."))
        if start is None:
            start, end = previous_month(dt.date.today())
        if end < start:
            raise CommandError(_("--to lies before --from."))
        snapshot = compute_snapshot(start_snapshot(start=start, end=end))
        city = snapshot.rows.get(object_type="city")
        self.stdout.write(
            self.style.SUCCESS(
                _("Snapshot %(id)d for %(start)s – %(end)s: %(rows)d rows, %(reports)d reports.")
                % {
                    "id": snapshot.pk,
                    "start": start,
                    "end": end,
                    "rows": snapshot.rows.count(),
                    "reports": city.counts["reports"],
                }
            )
        )
