from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from web.backup import BackupError, backup, default_folder


class Command(BaseCommand):
    help = _("Back up the database and the media files into a new folder (default: var/backups/<time>).")

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path)

    def handle(self, *args, folder=None, **options):
        folder = folder or default_folder()
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Backed up to %(folder)s (%(database)s, media: %(media)s).")
                % {"folder": folder, "database": manifest["database"], "media": manifest["media"]}
            )
        )
