import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from lms.training.models import PlanVersion, TrainingPlan
from lms.training.plans import get_plan
from tests.factories import MemberFactory, make_course

LISTS = ("roles", "courses", "categories")


def plan_form(plan, forms):
    """Admin form data; many-to-many values go in as repeated fields (nested_form_data would nest lists)."""
    scalars = [{k: v for k, v in f.items() if k not in LISTS} for f in forms]
    data = nested_form_data({"year": plan.year, "name": plan.name, "is_active": "on", "notes": "",
                             "rules": inline_formset(scalars, initial=len(forms))})
    for i, f in enumerate(forms):
        for key in LISTS:
            data[f"rules-{i}-{key}"] = [str(v) for v in f[key]]
    return data


def rule_form(rule, **changes):
    data = {
        "id": rule.pk, "name": rule.name, "roles": [r.pk for r in rule.roles.all()],
        "org_unit": rule.org_unit_id or "", "courses": [c.pk for c in rule.courses.all()], "tier": rule.tier,
        "categories": [c.pk for c in rule.categories.all()], "due_mode": rule.due_mode,
        "due_date": rule.due_date.isoformat() if rule.due_date else "", "due_days": rule.due_days or "",
        "annual_hours": str(rule.annual_hours) if rule.annual_hours is not None else "",
    }
    if rule.new_role_holders_only:
        data["new_role_holders_only"] = "on"
    data.update(changes)
    return data


@pytest.mark.django_db
def test_hr_edits_the_plan_in_the_admin_and_a_new_version_is_recorded(client, django_capture_on_commit_callbacks):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    plan = get_plan()
    rules = list(plan.rules.order_by("sort_order"))
    course = make_course("入党积极分子入门（指定）")
    assert client.get(reverse("wagtailsnippets_training_trainingplan:list")).status_code == 200
    edit = reverse("wagtailsnippets_training_trainingplan:edit", args=[plan.pk])
    assert client.get(edit).status_code == 200

    forms = [rule_form(r) for r in rules]
    forms[0]["annual_hours"] = "40.0"  # members: 32 → 40
    forms[3]["courses"] = [course.pk]  # the induction course chosen later
    data = plan_form(plan, forms)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.version == 2 and PlanVersion.objects.filter(plan=plan).count() == 2
    saved = list(plan.rules.order_by("sort_order"))
    assert str(saved[0].annual_hours) == "40.0" and [r.code for r in saved[0].roles.all()] == ["member"]
    assert list(saved[3].courses.all()) == [course]
    assert [r.code for r in saved[3].roles.all()] == ["activist"]
    from lms.records.requirements import annual_requirement

    assert str(annual_requirement(MemberFactory(roles=["member"]), plan.year)) == "40.0"


@pytest.mark.django_db
def test_a_rule_without_its_due_date_is_refused(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    plan = get_plan()
    forms = [rule_form(r) for r in plan.rules.order_by("sort_order")]
    forms[2]["due_date"] = ""
    data = plan_form(plan, forms)
    response = client.post(reverse("wagtailsnippets_training_trainingplan:edit", args=[plan.pk]), data)
    assert response.status_code == 200
    assert TrainingPlan.objects.get(pk=plan.pk).version == 1
    assert plan.rules.get(name="全员必修课程").due_date is not None
