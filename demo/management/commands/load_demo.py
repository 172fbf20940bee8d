import os
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organization, User
from cases.choices import CaseSource
from cases.models import Case
from cases.worktime import month_end
from demo import bulk, workers
from demo.geometry import CELLS, build_demo_geometry, build_demo_surroundings
from demo.history import generate_history
from demo.organizations import (
    CITY_CODE,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    build_demo_organizations,
    create_demo_accounts,
    create_demo_staff,
)
from demo.rules import build_demo_rules
from demo.sampling import build_demo_sampling
from evaluation.services import compute_snapshot, months_back, previous_month, start_snapshot
from public.choices import Channel
from public.models import PublicReport
from public.services import issue_key


def compute_month(month) -> int:
    """The indicators of one past month (a snapshot as of now), as the monthly beat computes them."""
    return compute_snapshot(start_snapshot(start=month, end=month_end(month))).pk


DEMO_OPEN311_KEY = "demo-open311-key"  # the demo's 12345 hotline integration; issue real keys in the admin


class Command(BaseCommand):
    help = _(
        "Load the demo city: organizations, grids, census, rules, people and months of case history. "
        "Parts already loaded are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument("--months", type=int, default=12, help=_("Months of case history (0 for none)."))
        parser.add_argument(
            "--cells",
            type=int,
            default=CELLS,
            help=_("The city is cells × cells unit grids of 100 m (186: the reference 345 km²)."),
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help=_("Processes simulating months at once (the history is the same for any number)."),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Share of the reference city's monthly volume (1.0 = 16,400 reports)."),
        )

    def step(self, message, started):
        self.stdout.write(f"  {message} ({time.perf_counter() - started:.1f} s)")

    def handle(self, *args, seed, password, months, scale, cells, processes, **options):
        started = time.perf_counter()
        city = Organization.objects.filter(code=CITY_CODE).first()
        if city is None:
            city = build_demo_organizations(seed)
            grids = build_demo_geometry(city, cells)
            build_demo_rules(city)
            create_demo_accounts(city, password)
            staff = create_demo_staff(city, password, seed)
            counts = build_demo_surroundings(city, seed, staff.get(Role.SUPERVISOR, []))
            issue_key(name="12345 热线（演示）", source=CaseSource.HOTLINE, rate_per_minute=600, raw=DEMO_OPEN311_KEY)
            self.step(
                _(
                    "%(orgs)d organizations, %(grids)d unit grids, %(roads)d roads, %(places)d markets and "
                    "compounds, %(cameras)d cameras, %(components)d components"
                )
                % {"orgs": city.subtree().count(), "grids": grids, **counts},
                started,
            )
        if months and not Case.objects.exists():

            def progress(month, cases, dispatches):
                self.step(
                    _("%(month)s: %(cases)d reports, %(dispatches)d dispatched")
                    % {"month": month.strftime("%Y-%m"), "cases": cases, "dispatches": dispatches},
                    started,
                )

            totals = generate_history(months=months, seed=seed, scale=scale, progress=progress, processes=processes)
            PublicReport.objects.bulk_create(  # the history's public reports, followed on the public page
                PublicReport(case_id=pk, channel=Channel.WEB)
                for pk in Case.objects.filter(source=CaseSource.PUBLIC).values_list("pk", flat=True).iterator()
            )
            bulk.analyze()  # the planner's statistics of the tables just filled, before the indicators read them
            self.step(_("case history: %(cases)d reports, %(dispatches)d dispatched") % totals, started)
            sampled = build_demo_sampling(seed=seed, months=months)
            bulk.analyze()
            self.step(
                _(
                    "sampling: %(samples)d samples, %(tasks)d tasks, %(patrols)d patrols covering %(visits)d "
                    "samples, %(findings)d reports placed, %(rechecks)d rechecks"
                )
                % sampled,
                started,
            )
            full_months = months_back(previous_month(timezone.localdate())[0], months - 1)
            with workers.forked(compute_month, full_months, processes) as done:
                snapshots = len(list(done))
            self.step(_("indicators of %(n)d months computed") % {"n": snapshots}, started)
        self.stdout.write(self.style.SUCCESS(_("Demo city ready.")))
        self.stdout.write(_("Log-ins (password: %(password)s):") % {"password": password})
        for user in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).order_by("pk"):
            roles = ", ".join(str(Role(name).label) for name in user.roles)
            self.stdout.write(f"  {user.username:<12} {user.organization}  ({roles})")
        self.stdout.write(
            _("Supervisors' field app: /field/ · public page: /public/ · Open311: /open311/v2/ (api_key %(key)s)")
            % {"key": DEMO_OPEN311_KEY}
        )
