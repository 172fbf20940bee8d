from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.choices import AREA_KINDS
from gis.imports import LAYERS, ImportRefused, import_file


class Command(BaseCommand):
    help = _(
        "Import areas, unit grids, components or cameras from a GeoJSON file or a (zipped) Shapefile. "
        "The file is checked whole and refused whole if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("layer", choices=LAYERS)
        parser.add_argument("path")
        parser.add_argument("--kind", default="street", choices=AREA_KINDS, help=_("For areas: their kind."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check only, write nothing."))

    def handle(self, *args, layer, path, kind, dry_run, **options):
        try:
            report = import_file(path, layer, kind=kind, dry_run=dry_run)
        except ImportRefused as refused:
            for line in refused.report.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(
                _("%(file)s refused: %(n)d problem(s), nothing imported.")
                % {"file": path, "n": len(refused.report.errors)}
            ) from None
        message = _("%(n)d features checked, %(written)d written.") % {"n": report.features, "written": report.written}
        self.stdout.write(self.style.SUCCESS(message))
