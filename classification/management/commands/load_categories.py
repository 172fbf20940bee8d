from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from classification.choices import CategoryScheme
from classification.models import Category, MajorCategory
from classification.reference import load_categories


class Command(BaseCommand):
    help = _("Load or refresh the component and event classification of the given standards.")

    def add_arguments(self, parser):
        parser.add_argument("--scheme", action="append", choices=CategoryScheme.values)

    def handle(self, *args, scheme=None, **options):
        count = load_categories(MajorCategory, Category, scheme or CategoryScheme.values)
        self.stdout.write(self.style.SUCCESS(_("%(count)d categories loaded.") % {"count": count}))
