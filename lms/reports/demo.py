"""Demo content for reports (called by the lead's ``seed_demo``; safe to run twice).

- HR members (D9001 in the demo) subscribe to the monthly compliance report and branch ledger
  (XLSX, year to date) and get a demo e-mail address if they have none;
- D1003 gets a duplicated offline-training entry that HR reversed with a reason, so the archive
  shows a correction in its history (net zero hours: other demo figures do not change).
"""

from django.db import transaction

from lms.org.models import Member, Role
from lms.records import services as ledger
from lms.records import sources
from lms.records.models import StudyHourEntry

from .models import ReportSubscription

DEMO_SUBSCRIPTIONS = ["compliance", "branch_ledger"]
DEMO_CORRECTED_MEMBER = "D1003"
DEMO_CORRECTION_REASON = "演示：重复录入，予以冲销"


def seed_reports_demo() -> dict:
    created_subs = corrections = 0
    with transaction.atomic():
        hr_members = list(Member.objects.filter(member_roles__role__code=Role.HR, is_active=True)
                          .select_related("user").order_by("employee_no")[:5])
        for member in hr_members:
            user = member.user
            if not user.email:
                user.email = member.email or f"{member.employee_no.lower()}@example.com"
                user.save(update_fields=["email"])
            for name in DEMO_SUBSCRIPTIONS:
                _sub, created = ReportSubscription.objects.get_or_create(
                    user=user, report=name, org_unit=None, role="", period=ReportSubscription.Period.YEAR_TO_DATE,
                    format=ReportSubscription.Format.XLSX, defaults={"language": "zh-hans"})
                created_subs += created
        member = Member.objects.filter(employee_no=DEMO_CORRECTED_MEMBER).first()
        if member is not None:
            by = hr_members[0].user if hr_members else None
            entry, _created = ledger.credit(member, source=sources.OFFLINE, reference="demo:duplicate",
                                            title="主题党日活动（重复录入）", hours=4, created_by=by)
            if not StudyHourEntry.objects.filter(reverses=entry).exists():
                ledger.reverse(entry, reason=DEMO_CORRECTION_REASON, created_by=by)
                corrections += 1
    return {"subscriptions": created_subs, "corrections": corrections}


# The demo step of this app (lms.common.discovery.demo_steps, run by seed_demo).
DEMO_ORDER = 30
seed = seed_reports_demo
