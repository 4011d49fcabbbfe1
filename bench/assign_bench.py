"""Speed of the training-plan assignment engine on 100,000 members (embedded SQLite default).

    .venv/bin/python bench/assign_bench.py [--members 100000] [--keep DIR]

Builds, in a throw-away database, an organization of 20 branches × 5 groups and the members
(85 % party members, 5 % activists — half of them new this year —, 5 % branch secretaries,
5 % committee members), three courses in the all-member required tier, an induction course
for new activists and a course for secretaries, all under the default plan of the year.
Then it times ``lms.training.engine.evaluate`` over every member:

- ``initial``: the first evaluation, which creates every assignment;
- ``reevaluate``: the same evaluation again (must change nothing — idempotency);
- ``after_changes``: after 1 % of the members changed role and 1 % moved or were deactivated;
- ``import_batch``: one batch of 5,000 member ids, as a member import triggers it.

Target: a full re-evaluation of 100,000 members in under 60 s on a 2-core machine. Ends with one
JSON line of figures and targets.
"""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 60.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--keep", help="build in this directory instead of a temporary one (kept afterwards)")
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


def setup_django(var_dir: Path):
    os.environ["LMS_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(n: int, rng: random.Random) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from content_library.models import Category
    from lms.catalog.bootstrap import ensure_catalog_home
    from lms.catalog.models import CoursePage
    from lms.org.models import Member, MemberRole, OrgUnit, Role
    from lms.training.models import PlanRule
    from lms.training.plans import INDUCTION_CATEGORY, get_plan

    started = time.perf_counter()
    today = timezone.localdate()
    units = []
    for b in range(20):
        for g in range(5):
            units.append(OrgUnit.ensure_path(f"集团党委/第{b + 1}党支部/第{g + 1}党小组"))
    home = ensure_catalog_home()
    induction_category = Category.objects.get(name=INDUCTION_CATEGORY)
    courses = {}
    for title, tier in [("必修一", "required_all"), ("必修二", "required_all"), ("必修三", "required_all"),
                        ("入党积极分子入门", "role_required"), ("支部书记履职", "role_required")]:
        course = CoursePage(title=title, slug=f"c-{len(courses)}", tier=tier)
        home.add_child(instance=course)
        courses[title] = course
    courses["入党积极分子入门"].categories.set([induction_category])
    courses["入党积极分子入门"].save()
    plan = get_plan()
    rule = PlanRule(plan=plan, name="书记履职", due_mode=PlanRule.DueMode.ABSOLUTE,
                    due_date=datetime.date(today.year, 12, 31), sort_order=10)
    rule.roles = list(Role.objects.filter(code__in=["branch_secretary", "committee_member"]))
    rule.courses = [courses["支部书记履职"]]
    plan.rules.add(rule)
    plan.save()

    roles = {r.code: r.pk for r in Role.objects.all()}
    User = get_user_model()
    with transaction.atomic():
        User.objects.bulk_create([User(username=f"B{i:07d}", password="!") for i in range(n)], batch_size=2000)
        users = dict(User.objects.filter(username__startswith="B").values_list("username", "pk"))
        Member.objects.bulk_create(
            [Member(user_id=users[f"B{i:07d}"], employee_no=f"B{i:07d}", name=f"成员{i}",
                    org_unit=units[i % len(units)]) for i in range(n)], batch_size=2000)
        member_ids = list(Member.objects.filter(employee_no__startswith="B").order_by("pk")
                          .values_list("pk", flat=True))
        links = []
        last_year = datetime.date(today.year - 1, 6, 1)
        for member_id in member_ids:
            kind = rng.random()
            if kind < 0.05:
                links.append(MemberRole(member_id=member_id, role_id=roles["activist"],
                                        gained_on=today if rng.random() < 0.5 else last_year))
                continue
            links.append(MemberRole(member_id=member_id, role_id=roles["member"], gained_on=last_year))
            if kind < 0.10:
                links.append(MemberRole(member_id=member_id, role_id=roles["branch_secretary"], gained_on=last_year))
            elif kind < 0.15:
                links.append(MemberRole(member_id=member_id, role_id=roles["committee_member"], gained_on=last_year))
        MemberRole.objects.bulk_create(links, batch_size=2000)
    return {"plan": plan, "member_ids": member_ids, "units": units, "roles": roles,
            "build_s": time.perf_counter() - started}


def change_some(data: dict, rng: random.Random) -> int:
    """1 % of members change role (activist ↔ member, + secretary), 1 % move unit or are deactivated."""
    from django.db import transaction

    from lms.org.models import Member, MemberRole

    ids = data["member_ids"]
    roles = data["roles"]
    changed = rng.sample(ids, len(ids) // 100)
    moved = rng.sample(ids, len(ids) // 100)
    with transaction.atomic():
        half = len(changed) // 2
        MemberRole.objects.filter(member_id__in=changed[:half], role_id=roles["member"]).delete()
        MemberRole.objects.bulk_create([MemberRole(member_id=m, role_id=roles["branch_secretary"])
                                        for m in changed[half:]], ignore_conflicts=True)
        units = data["units"]
        for i, m in enumerate(moved):
            if i % 4 == 0:
                Member.objects.filter(pk=m).update(is_active=False)
            else:
                Member.objects.filter(pk=m).update(org_unit=units[(i * 7) % len(units)])
    return len(changed) + len(moved)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    var_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="assign-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        setup_django(var_dir)
        migrate_s = time.perf_counter() - t0
        data = build(args.members, rng)
        print(f"built {args.members} members in {data['build_s']:.1f}s (migrate {migrate_s:.1f}s)", flush=True)

        from lms.training.engine import evaluate
        from lms.training.models import Assignment

        plans = [data["plan"]]
        initial, initial_s = timed(lambda: evaluate(plans=plans))
        print(f"initial: {initial.as_dict()} in {initial_s:.1f}s", flush=True)
        again, again_s = timed(lambda: evaluate(plans=plans))
        print(f"reevaluate: {again.as_dict()} in {again_s:.1f}s", flush=True)
        changes = change_some(data, rng)
        after, after_s = timed(lambda: evaluate(plans=plans))
        print(f"after {changes} changes: {after.as_dict()} in {after_s:.1f}s", flush=True)
        batch_ids = data["member_ids"][:5000]
        batch, batch_s = timed(lambda: evaluate(plans=plans, member_ids=batch_ids))
        print(f"import batch of 5000: {batch.as_dict()} in {batch_s:.1f}s", flush=True)
        assignments = Assignment.objects.count()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worst = max(initial_s, again_s, after_s)
        print(json.dumps({
            "bench": "assign_bench", "members": args.members, "assignments": assignments,
            "initial_s": round(initial_s, 2), "reevaluate_s": round(again_s, 2),
            "reevaluate_changes": again.changed, "after_changes_s": round(after_s, 2),
            "after_changes": {"created": after.created, "withdrawn": after.withdrawn, "updated": after.updated},
            "import_batch_5000_s": round(batch_s, 2), "peak_rss_mb": round(peak_mb),
            "cpus": os.cpu_count(), "target_s": TARGET_S,
            "ok": worst < TARGET_S and again.changed == 0,
        }, ensure_ascii=False))
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
