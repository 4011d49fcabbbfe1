"""Load the demo: organization, ~30 members in every role, a tiered catalog, talks and some progress."""

import io
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from content_library.models import Category, Talk
from lms.catalog.models import CoursePage, LessonPage
from lms.catalog.services import ensure_catalog_home
from lms.common.discovery import demo_steps
from lms.org.models import Member, OrgUnit
from lms.progress import services
from lms.records import services as ledger
from lms.records import sources
from lms.site import demo_data

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo1234")


def sample_talks_dir() -> Path:
    return Path(settings.LMS_SAMPLE_TALKS_DIR)


class Command(BaseCommand):
    help = "Load demo data. With --once, do nothing if the demo was already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--no-talks", action="store_true", help="Skip queuing the sample talks.")

    def handle(self, *args, **options):
        if options["once"] and Member.objects.filter(employee_no="D1001").exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            members = self.seed_org()
            categories = self.seed_categories()
        talks = {} if options["no_talks"] else self.seed_talks(categories)
        with transaction.atomic():
            courses = self.seed_catalog(categories, talks, members)
            self.seed_progress(members, courses)
        # Each app adds its own demo content: the seed() of its demo module (lms.common.discovery).
        for name, seed in demo_steps():
            self.stdout.write(f"Seeding {name.rsplit('.', 1)[0]} …")
            seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {Member.objects.count()} members, {CoursePage.objects.count()} courses. "
            f"Demo members log in with their employee number (e.g. D1003) and password {DEMO_PASSWORD!r}; "
            "D1001 is a branch secretary, D9001 HR, D9002 a trainer."
        ))

    def seed_org(self) -> dict[str, Member]:
        user_model = get_user_model()
        root_name = next(iter(demo_data.ORG))
        for branch, groups in demo_data.ORG[root_name].items():
            for group in groups:
                OrgUnit.ensure_path(f"{root_name}/{branch}/{group}")
        members = {}
        for emp, name, path, roles in demo_data.MEMBERS:
            unit = OrgUnit.ensure_path(f"{root_name}/{path}" if path else root_name)
            user, created = user_model.objects.get_or_create(username=emp)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            member, _ = Member.objects.update_or_create(
                employee_no=emp,
                defaults={"user": user, "name": name, "org_unit": unit, "email": f"{emp.lower()}@example.com",
                          "joined_on": "2015-07-01"},
            )
            member.set_roles(set(roles.split(",")))
            members[emp] = member
        return members

    def seed_categories(self) -> dict[str, Category]:
        result = {}
        for order, (name, slug) in enumerate(demo_data.CATEGORIES):
            result[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
        return result

    def seed_talks(self, categories) -> dict[str, Talk]:
        folder = sample_talks_dir()
        talks = {}
        if not folder.is_dir() or "ingest_talk" not in get_commands():
            self.stdout.write(f"Sample talks not found at {folder}; skipping talks.")
            return talks
        for filename, title, language, speaker, category in demo_data.TALKS:
            talk = Talk.objects.filter(title=title).first()
            if talk is None:
                source = folder / filename
                if not source.is_file():
                    continue
                # ingest_talk queues the pipeline; the worker started by `make run` transcribes.
                out = io.StringIO()
                call_command("ingest_talk", str(source), title=title, language=language, speaker=speaker,
                             glossary=demo_data.GLOSSARY if language == "zh" else "", stdout=out)
                talk = Talk.objects.filter(title=title).order_by("-pk").first()
            if talk is not None:
                Talk.objects.filter(pk=talk.pk).update(category=categories[category])
                talks[filename] = talk
        return talks

    def seed_catalog(self, categories, talks, members) -> dict[str, CoursePage]:
        home = ensure_catalog_home()
        trainer = members.get("D9002")
        courses = {}
        from lms.org.models import Role

        for title, tier, cats, hours, roles, summary, lessons in demo_data.COURSES:
            course = CoursePage.objects.filter(title=title).first()
            if course is None:
                course = CoursePage(title=title, slug=slugify(title, allow_unicode=True) or None, tier=tier,
                                    credit_hours=hours, summary=summary)
                home.add_child(instance=course)
                course.categories.set([categories[c] for c in cats])
                course.audience_roles.set(Role.objects.filter(code__in=roles))
                if trainer:
                    course.trainers.set([trainer])
                course.save_revision().publish()
                for index, (ltitle, rule, minutes, text_key) in enumerate(lessons, start=1):
                    video = talks.get("dev01_dangke.mp4") if rule == "video" else None
                    if rule == "video" and video is None:
                        rule = "confirm"
                    body = [("paragraph", demo_data.LESSON_TEXT[text_key])] if text_key else []
                    lesson = LessonPage(title=ltitle, slug=f"lesson-{index}", completion_rule=rule, video=video,
                                        estimated_minutes=minutes, body=body)
                    course.add_child(instance=lesson)
                    lesson.save_revision().publish()
            courses[title] = course
        return courses

    def seed_progress(self, members, courses) -> None:
        """A few finished courses, some half-done ones and offline records, so reports have data."""
        done = {
            "D1003": ["党章党规学习", "党史学习教育", "廉洁从业警示教育"],
            "D1004": ["党章党规学习"],
            "D1001": ["党章党规学习", "支部书记履职能力培训"],
            "D2003": ["党章党规学习", "安全生产专题培训"],
            "D2004": ["党史学习教育", "廉洁从业警示教育"],
            "D3003": ["党章党规学习", "党史学习教育"],
        }
        for emp, titles in done.items():
            member = members[emp]
            for title in titles:
                course = courses[title]
                services.enroll(member, course)
                for lesson in LessonPage.objects.child_of(course).live():
                    services.complete_lesson(member, lesson)
        for emp in ("D1005", "D2005", "D3004"):
            course = courses["党章党规学习"]
            services.enroll(members[emp], course)
            first = LessonPage.objects.child_of(course).live().first()
            services.complete_lesson(members[emp], first)
        offline = [("D1003", "支部主题党日活动", 4), ("D1004", "七一专题党课（线下）", 3),
                   ("D2003", "红色教育基地现场教学", 8), ("D3003", "支部主题党日活动", 4)]
        for emp, title, hours in offline:
            ledger.credit(members[emp], source=sources.OFFLINE, reference=f"demo:{title}", title=title,
                          hours=hours)
