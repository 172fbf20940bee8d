from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.demo import CITY_CODE, DEMO_PASSWORD, build_demo_organizations, create_demo_accounts
from accounts.models import Organization, User
from dispatch.demo import build_demo_rules
from gis.demo import build_demo_geometry


class Command(BaseCommand):
    help = _("Load the demo city: organization tree and one account per role. Does nothing if it is loaded.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, seed, password, **options):
        city = Organization.objects.filter(code=CITY_CODE).first()
        if city is None:
            city = build_demo_organizations(seed)
            grids = build_demo_geometry(city)
            build_demo_rules(city)
            users = create_demo_accounts(city, password)
            self.stdout.write(self.style.SUCCESS(
                _("Demo city loaded: %(orgs)d organizations, %(grids)d unit grids.")
                % {"orgs": city.subtree().count(), "grids": grids}
            ))
        else:
            users = list(User.objects.filter(organization__path__startswith=city.path).order_by("pk"))
            self.stdout.write(_("Demo city already loaded."))
        self.stdout.write(_("Log-ins (password: %(password)s):") % {"password": password})
        for user in users:
            roles = ", ".join(str(Role(name).label) for name in user.roles)
            self.stdout.write(f"  {user.username:<12} {user.organization}  ({roles})")
