from django.core.management.base import BaseCommand, CommandError

from lms.org.models import Member
from lms.recommend.compute import recompute


class Command(BaseCommand):
    help = "Recompute stored recommendations now: every active member, or the given employee numbers."

    def add_arguments(self, parser):
        parser.add_argument("employee_no", nargs="*", help="Only these members (default: everyone).")

    def handle(self, *args, **options):
        numbers = options["employee_no"]
        ids = None
        if numbers:
            found = dict(Member.objects.filter(employee_no__in=numbers).values_list("employee_no", "pk"))
            missing = sorted(set(numbers) - set(found))
            if missing:
                raise CommandError(f"Unknown employee number(s): {', '.join(missing)}")
            ids = list(found.values())
        run = recompute(ids)
        self.stdout.write(self.style.SUCCESS(
            f"{run.members} member(s), {run.recommendations} recommendation(s) in {run.seconds:.1f} s."))
