"""Plan versions and the default plan every installation gets."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from content_library.models import Category
from lms.org.models import Member, Role

from .models import PlanRule, PlanVersion, TrainingPlan
from .scheduling import schedule_plan

INDUCTION_CATEGORY = "入党积极分子培训"
INDUCTION_CATEGORY_SLUG = "activist-induction"


def snapshot(plan: TrainingPlan) -> dict:
    """What the plan requires, as plain data (compared to detect changes, kept as history)."""
    rules = []
    for rule in (PlanRule.objects.filter(plan=plan).select_related("org_unit")
                 .prefetch_related("roles", "posts", "courses", "categories").order_by("sort_order", "pk")):
        rules.append({
            "id": rule.pk,
            "name": rule.name,
            "roles": sorted(r.code for r in rule.roles.all()),
            "new_role_holders_only": rule.new_role_holders_only,
            "org_unit": rule.org_unit.full_name if rule.org_unit_id else None,
            "org_unit_id": rule.org_unit_id,
            "courses": sorted(c.pk for c in rule.courses.all()),
            "tier": rule.tier,
            "categories": sorted(c.pk for c in rule.categories.all()),
            "due_mode": rule.due_mode,
            "due_date": rule.due_date.isoformat() if rule.due_date else None,
            "due_days": rule.due_days,
            "annual_hours": str(rule.annual_hours) if rule.annual_hours is not None else None,
        })
        posts = sorted(p.code for p in rule.posts.all())
        if posts:  # only when given, so the versions recorded before posts existed still compare equal
            rules[-1]["posts"] = posts
    return {"year": plan.year, "is_active": plan.is_active, "rules": rules}


def record_version(plan: TrainingPlan) -> bool:
    """Store a new version when the plan's rules changed, and re-evaluate its assignments."""
    data = snapshot(plan)
    last = PlanVersion.objects.filter(plan=plan).order_by("-version").first()
    if last is not None and last.rules == data:
        return False
    version = (last.version if last else 0) + 1
    try:
        with transaction.atomic():
            PlanVersion.objects.create(plan=plan, version=version, rules=data)
    except IntegrityError:
        # A concurrent save recorded this version first; it also scheduled the evaluation.
        return False
    TrainingPlan.objects.filter(pk=plan.pk).update(version=version)
    plan.version = version
    # Nothing to evaluate without members (a fresh install, or a flushed test
    # database); this also keeps migrate from enqueueing work for no one.
    if Member.objects.filter(is_active=True).exists():
        schedule_plan(plan.pk)
    return True


def _induction_category():
    category = Category.objects.filter(name=INDUCTION_CATEGORY).first()
    if category is None:
        category = Category.objects.filter(slug=INDUCTION_CATEGORY_SLUG).first()
    if category is None:
        category = Category.objects.create(name=INDUCTION_CATEGORY, slug=INDUCTION_CATEGORY_SLUG, sort_order=90)
    return category


def _shift_year(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def create_default_plan(year: int) -> TrainingPlan:
    """The programme's defaults: 32 h members, 56 h secretaries/committee members,
    the all-member required tier for everyone, induction for new activists within 30 days."""
    roles = {r.code: r for r in Role.objects.all()}
    plan = TrainingPlan(year=year, name=f"{year}年度党员教育培训计划")
    rules = [
        PlanRule(name="党员年度学习学时", annual_hours=Decimal(32), due_mode=PlanRule.DueMode.ABSOLUTE,
                 due_date=datetime.date(year, 12, 31)),
        PlanRule(name="支部书记、支委委员年度学习学时", annual_hours=Decimal(56),
                 due_mode=PlanRule.DueMode.ABSOLUTE, due_date=datetime.date(year, 12, 31)),
        PlanRule(name="全员必修课程", tier="required_all", due_mode=PlanRule.DueMode.ABSOLUTE,
                 due_date=datetime.date(year, 11, 30)),
        PlanRule(name="入党积极分子入门培训", due_mode=PlanRule.DueMode.AFTER_ROLE, due_days=30,
                 new_role_holders_only=True),
    ]
    rules[0].roles = [roles[c] for c in ("member",) if c in roles]
    rules[1].roles = [roles[c] for c in ("branch_secretary", "committee_member") if c in roles]
    rules[3].roles = [roles[c] for c in ("activist",) if c in roles]
    rules[3].categories = [_induction_category()]
    plan.rules = rules
    plan.save()
    return plan


def copy_plan(source: TrainingPlan, year: int) -> TrainingPlan:
    """Start a new year from last year's rules (fixed dates move by the year difference)."""
    shift = year - source.year
    plan = TrainingPlan(year=year, name=source.name.replace(str(source.year), str(year)), notes=source.notes)
    rules = []
    for old in source.rules.all().prefetch_related("roles", "posts", "courses", "categories").order_by("sort_order"):
        rule = PlanRule(
            name=old.name, new_role_holders_only=old.new_role_holders_only, org_unit_id=old.org_unit_id,
            tier=old.tier, due_mode=old.due_mode, due_date=_shift_year(old.due_date, shift),
            due_days=old.due_days, annual_hours=old.annual_hours, sort_order=old.sort_order,
        )
        rule.roles = list(old.roles.all())
        rule.posts = list(old.posts.all())
        rule.courses = list(old.courses.all())
        rule.categories = list(old.categories.all())
        rules.append(rule)
    plan.rules = rules
    plan.save()
    return plan


def get_plan(year: int | None = None, *, create: bool = True) -> TrainingPlan | None:
    """The plan of ``year`` (default: this year), created on first use for the current
    or a future year: a copy of the latest earlier plan, or the defaults."""
    today = timezone.localdate()
    year = year or today.year
    plan = TrainingPlan.objects.filter(year=year).first()
    if plan is not None or not create or year < today.year:
        return plan
    previous = TrainingPlan.objects.filter(year__lt=year).order_by("-year").first()
    try:
        with transaction.atomic():
            return copy_plan(previous, year) if previous else create_default_plan(year)
    except IntegrityError:
        return TrainingPlan.objects.get(year=year)


def current_plans() -> list[TrainingPlan]:
    """Plans whose assignments are still being kept up to date: this year's and later ones."""
    get_plan()
    return list(TrainingPlan.objects.filter(year__gte=timezone.localdate().year).order_by("year"))
