"""Demo data: one elective course with a SCORM 1.2 lesson built by `sample.build`. Idempotent."""

import io
from decimal import Decimal

from .models import ScormPackage
from .package.store import import_package
from .sample import build
from .services import SCORM

COURSE_TITLE = "党史学习互动课件"
LESSON_TITLE = "中共一大（SCORM 课件）"
PAGES = [
    ("开天辟地的大事变",
     "1921 年 7 月，中国共产党第一次全国代表大会在上海召开，后转移到浙江嘉兴南湖的游船上继续举行。"),
    ("大会的主要内容", "大会通过了党的第一个纲领和第一个决议，选举产生了党的中央领导机构，宣告中国共产党正式成立。"),
    ("历史意义", "中国共产党的诞生，使中国革命有了坚强的领导核心，中国革命的面貌从此焕然一新。学完本页即完成本课时。"),
]


def seed():
    from lms.catalog.models import CoursePage, LessonPage
    from lms.catalog.services import ensure_catalog_home

    course = CoursePage.objects.filter(title=COURSE_TITLE).first()
    if course is None:
        course = CoursePage(title=COURSE_TITLE, slug="party-history-scorm-demo", tier="elective",
                            credit_hours=Decimal("0.5"), summary="以 SCORM 课件形式学习中共一大的历史。")
        ensure_catalog_home().add_child(instance=course)
    lesson = LessonPage.objects.child_of(course).filter(title=LESSON_TITLE).first()
    if lesson is None:
        lesson = LessonPage(title=LESSON_TITLE, slug="scorm", completion_rule=SCORM, estimated_minutes=5,
                            credit_minutes=10, required=True)
        course.add_child(instance=lesson)
    package = ScormPackage.objects.filter(lesson=lesson).first()
    if package is None:
        package = import_package(io.BytesIO(build(LESSON_TITLE, PAGES)), filename="demo-scorm.zip",
                                 lesson=lesson.specific)
    return {"course": course.pk, "lesson": lesson.pk, "package": package.pk}


# The demo step of this app (lms.common.discovery.demo_steps, run by seed_demo).
DEMO_ORDER = 22
