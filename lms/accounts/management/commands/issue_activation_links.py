import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.accounts import services


class Command(BaseCommand):
    help = ("Issue one-time activation links (valid LMS_ACTIVATION_DAYS days) to active members who never set a "
            "password. Prints CSV (name, employee_no, org unit, link); --email mails members who have an address "
            "and prints only the others.")

    def add_arguments(self, parser):
        parser.add_argument("--email", action="store_true", help="E-mail the links to members with an address.")
        parser.add_argument("--unit", default="", help="Only this org unit and below, as a path: 公司党委/第一党支部")

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = services.find_unit(options["unit"])
            if unit is None:
                raise CommandError(_("Org unit not found: %(path)s") % {"path": options["unit"]})
        members = services.activation_candidates(None, unit)
        issued = services.issue_activation_links(members, send_email=options["email"], deliver_now=True)
        writer = csv.writer(self.stdout)
        writer.writerow(["name", "employee_no", "org_unit", "link"])
        for link in issued:
            if not link.emailed:
                writer.writerow([link.member.name, link.member.employee_no, link.member.org_unit.full_name, link.url])
        emailed = sum(1 for link in issued if link.emailed)
        self.stderr.write(_("%(n)d link(s) issued, %(e)d e-mailed; valid for %(d)d days.") % {
            "n": len(issued), "e": emailed, "d": settings.LMS_ACTIVATION_DAYS})
