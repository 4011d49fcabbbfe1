from lms.evaluation import demo
from lms.evaluation.models import Response
from lms.progress import services as progress


def test_demo_seed_is_idempotent(ev):
    ev.course.tier = "required_all"
    ev.course.save()
    for m in (ev.member, ev.other):
        for lesson in ev.lessons:
            progress.complete_lesson(m, lesson)
    result = demo.seed()
    assert "skipped" not in result, result
    assert result["responses"] == 2 and Response.objects.count() == 2
    assert demo.seed() == {"skipped": True}
