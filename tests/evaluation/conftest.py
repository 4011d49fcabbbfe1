"""A course with two lessons and a satisfaction survey; a trainer, HR and a member enrolled."""

from types import SimpleNamespace

import pytest

from lms.evaluation.models import SurveyItem, SurveyTemplate
from tests.factories import MemberFactory, make_course, make_lesson, org_unit


def make_template(title="培训满意度测评", *, anonymous=True):
    template = SurveyTemplate.objects.create(title=title, intro="请如实评价。", anonymous_free_text=anonymous)
    for i, (kind, text, options, required) in enumerate([
        ("likert", "课程内容对工作有帮助", "", True),
        ("single", "授课方式", "讲授\n研讨\n案例", True),
        ("multiple", "希望增加的内容", "党史\n党规\n实践", False),
        ("text", "意见和建议", "", False),
    ]):
        SurveyItem.objects.create(template=template, kind=kind, text=text, options=options, required=required,
                                  sort_order=i)
    return template


def answers(template, rating="5", single="研讨", multiple=("党史",), text="很好"):
    items = {i.kind: i for i in template.items.all()}
    data = {f"item-{items['likert'].pk}": rating, f"item-{items['single'].pk}": single,
            f"item-{items['text'].pk}": text}
    if multiple:
        data[f"item-{items['multiple'].pk}"] = list(multiple)
    return data


@pytest.fixture
def ev(db):
    from lms.progress import services as progress

    w = SimpleNamespace()
    w.unit = org_unit("公司党委/第一党支部")
    w.trainer = MemberFactory(name="王讲师", org_unit=w.unit, roles=["member", "trainer"])
    w.hr = MemberFactory(name="人事", org_unit=w.unit, roles=["member", "hr"])
    w.member = MemberFactory(name="张三", org_unit=w.unit)
    w.other = MemberFactory(name="李四", org_unit=w.unit)
    w.course = make_course("党章党规学习", credit_hours="2.0")
    w.course.trainers.set([w.trainer])
    w.course.save()
    w.lessons = [make_lesson(w.course, minutes=0), make_lesson(w.course, minutes=0)]
    w.template = make_template()
    for m in (w.member, w.other):
        progress.enroll(m, w.course)
    return w
