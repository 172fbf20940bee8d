from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from web.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup folder onto the configured (new) database and the media folder.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            manifest = restore(folder)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(_("Restored the backup taken at %(when)s.") % {"when": manifest["taken_at"]})
        )
