"""Generate the organizational-life plan of a year for every branch and party group (idempotent)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.activities.services import generate_plans


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument("--since", default="", help="YYYY-MM-DD or 'today': skip windows already closed then "
                                                       "(a first rollout mid-year reports nothing as overdue).")

    def handle(self, *args, **opts):
        today = timezone.localdate()
        year = opts["year"] or today.year
        if not 2000 <= year <= 2100:
            raise CommandError("The year must be between 2000 and 2100.")
        since = None
        if opts["since"] == "today":
            since = today
        elif opts["since"]:
            try:
                since = datetime.date.fromisoformat(opts["since"])
            except ValueError as exc:
                raise CommandError("--since takes YYYY-MM-DD or 'today'.") from exc
        created = generate_plans(year, since=since)
        self.stdout.write(f"{created} plan slots created for {year}.")
