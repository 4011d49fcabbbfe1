"""The Wagtail admin speaks Chinese: the screens trainers and HR use, rendered in zh-hans, show no English words.

Wagtail's own zh_Hans catalog lacks many admin strings; the project catalog (locale/zh_Hans, first in LOCALE_PATHS,
which takes precedence over every app's catalog) supplies them, and our apps' catalogs translate our models, fields
and panels. The test renders each screen and lists, per screen, the English words still in its visible text (text
nodes, and the title, aria-label and placeholder attributes and the value of submit buttons) with the pieces of
text they were found in.
"""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.documents import get_document_model
from wagtail.documents.permissions import permission_policy as documents_policy
from wagtail.images import get_image_model
from wagtail.images.permissions import permission_policy as images_policy
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Task, Workflow, get_page_models

from lms.activities.models import ActivityKind, KindYearRule
from lms.catalog.models import CoursePage, LessonPage
from lms.org.groups import TRAINERS
from lms.org.importer import COLUMNS as MEMBER_COLUMNS
from lms.scorm.models import ScormPackage
from lms.scorm.package.store import import_package
from lms.training.models import Assignment
from lms.xapi.models import LrsClient
from tests.factories import MemberFactory, UserFactory, catalog_home, make_talk
from tests.quizzes.factories import question, quiz
from tests.scorm import packages as scorm_packages

pytestmark = pytest.mark.django_db

# Names of products, formats and standards, which stay as they are in Chinese text.
ALLOWED = {
    "h5p", "pdf", "xlsx", "csv", "api", "url", "hls", "mp4", "svg", "png", "jpeg", "jpg", "gif", "webp", "avif",
    "wagtail", "webvtt", "srt", "vtt", "ldap", "mfa", "utc", "json", "html", "m4a", "mp3", "wav", "ogg",
    "javascript", "scorm",
}
# Data that is not Chinese: the default site's host name, and "Root", the title Wagtail's migrations give the tree's
# root page (in a superuser's breadcrumbs) and the root collection (in collection menus).
FIXTURE_DATA = {"localhost", "testserver", "root"}

# Text Wagtail renders without gettext, so no catalog can translate it (checked against wagtail 8.0). All of it is
# for screen readers only, or hidden until scripts replace it:
HARD_CODED = {
    # wagtailadmin/shared/headers/_actions.html: <nav aria-label="Actions"> around the header buttons.
    ("aria-label", "Actions"),
}
SCREEN_READER_ONLY = {
    # wagtailadmin/shared/header.html and home.html: the search form's hidden <input type="submit" value="Search">.
    "Search",
    # The page chooser of the workflow and group page-permission formsets: a form field without a label, named
    # "page" (wagtail.admin.forms.workflows.WorkflowPageForm, wagtail.users.forms.PagePermissionsForm).
    "Page",
    # Python values printed as they are: the tick/cross of wagtailadmin/tables/boolean_cell.html
    # ({% icon title=value|stringformat:'s' %}), and the empty error counter of a side panel toggle
    # (wagtailadmin/shared/side_panel_toggle.html).
    "True", "False", "None",
}
# Django stores permission names in the database in English: a model's "Can add talk", and Wagtail's page
# permissions ("Publish any page"). Wagtail's group form prints them as they are, alone or as str(permission)
# ("Wagtail 核心组件 | 页面 | Can add page"), in labels for screen readers (groups/includes/*.html).
DB_PERMISSION_NAME = re.compile(
    r"(?:.+ \| .+ \| )?(?:Can (?:add|change|delete) .+|Delete pages with children|Lock/unlock pages you've locked"
    r"|Publish any page|Unlock any page)"
)

OUR_APPS = ("lms.", "content_library", "search", "media_pipeline")
WORD = re.compile(r"[A-Za-z]{3,}")
ADDRESS = re.compile(r"https?://[!-~]+")  # an example address in a help text is not English
# A stored file's name is data: the storage adds a random suffix to a taken name (材料_aMO1urQ.pdf).
FILE_NAME = re.compile(r"[^\s/\\]+\.(?:png|jpe?g|gif|webp|svg|pdf|docx?|xlsx?|pptx?|txt|csv|zip|mp4|m4a|mp3)\b",
                       re.IGNORECASE)
VISIBLE_ATTRS = ("title", "aria-label", "placeholder")
SKIPPED_TAGS = {"script", "style"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The pieces of text a user reads, as (kind, text, screen_reader_only_or_hidden). Left out: <script>, <style>,
    keys in <kbd> (Wagtail's keyboard shortcut dialog names keys "Ctrl", "Shift", "Esc" on purpose, in every
    language), and the options of the time zone menu of account settings (IANA names such as "Asia/Shanghai",
    shown as they are in every language)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str, bool]] = []
        self.open: list[tuple[str, bool, bool]] = []  # (tag, skipped, screen reader only or hidden)

    def _skipped(self):
        return any(skipped for _tag, skipped, _hidden in self.open)

    def _hidden(self):
        return any(hidden for _tag, _skipped, hidden in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = tag in SKIPPED_TAGS or tag == "kbd" or (
            tag == "select" and (attrs.get("name") or "").endswith("current_time_zone"))
        hidden = "hidden" in attrs or "w-sr-only" in (attrs.get("class") or "").split()
        if not (skipped or self._skipped()):
            hidden_here = hidden or self._hidden()
            for name in VISIBLE_ATTRS:
                if attrs.get(name):
                    self.parts.append((name, " ".join(attrs[name].split()), hidden_here))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(("value", attrs["value"], hidden_here))
        if tag not in VOID_TAGS:
            self.open.append((tag, skipped, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipped():
            self.parts.append(("text", text, self._hidden()))


def acceptable(kind: str, text: str, hidden: bool) -> bool:
    if (kind, text) in HARD_CODED:
        return True
    return hidden and (text in SCREEN_READER_ONLY or DB_PERMISSION_NAME.fullmatch(text) is not None)


def english(html: str, allowed=frozenset()) -> dict[str, set[str]]:
    """English words → the pieces of text they were found in."""
    parser = VisibleText()
    parser.feed(html)
    found: dict[str, set[str]] = {}
    for kind, text, hidden in parser.parts:
        if acceptable(kind, text, hidden):
            continue
        for word in WORD.findall(FILE_NAME.sub(" ", ADDRESS.sub(" ", text))):
            if word.lower() not in ALLOWED | FIXTURE_DATA | allowed:
                found.setdefault(word, set()).add(text)
    return found


def data_words(*values) -> set[str]:
    return {word.lower() for value in values for word in WORD.findall(value or "")}


# Words that are right on one screen only, because they are data or identifiers rather than the admin's language.
def page_allowed() -> dict[str, set[str]]:
    allowed = {
        # The language menu names each language in itself (settings.LANGUAGES: "简体中文", "English").
        "/admin/account/": {"english"},
        # The page types report shows each type's identifier ("catalog.coursepage") under its name.
        "/admin/reports/page-types-usage/": data_words(*(f"{m._meta.app_label} {m._meta.model_name}"
                                                         for m in get_page_models())),
        # The import forms name the columns a file must have, as the file spells them ("employee_no, name, …").
        reverse("lms_import_members"): data_words(*MEMBER_COLUMNS),
        reverse("lms_import_records"): data_words("employee_no title date hours kind record_id"),
        # The question import also takes QTI files, named as the standard names them.
        reverse("quizzes_import"): data_words("IMS QTI imsmanifest xml zip"),
    }
    # A SCORM package's form names the package's parts as the standard names them (SCO, imsmanifest.xml, .zip).
    scorm_words = data_words("SCO imsmanifest xml zip")
    allowed[reverse("wagtailsnippets_scorm_scormpackage:add")] = scorm_words
    for pk in ScormPackage.objects.values_list("pk", flat=True):
        allowed[reverse("wagtailsnippets_scorm_scormpackage:edit", args=[pk])] = scorm_words
    # LRS clients: each key is random hexadecimal, and the list names the LRS's path (/xapi/).
    keys = data_words(*LrsClient.objects.values_list("key", flat=True))
    allowed[reverse("xapi_clients")] = keys | {"xapi"}
    for pk in LrsClient.objects.values_list("pk", flat=True):
        allowed[reverse("xapi_client_edit", args=[pk])] = keys
    # Codes and English names (roles, posts, activity kinds …) are data HR maintains, listed as they are.
    for viewset in our_viewsets():
        names = {f.name for f in viewset.model._meta.get_fields()} & {"code", "name_en"}
        for name in names:
            values = viewset.model._default_manager.values_list(name, flat=True)
            allowed.setdefault(viewset.menu_url, set()).update(data_words(*values))
    return allowed


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        trainer = MemberFactory(name="王讲师", roles=["member", "trainer"])
        learner = MemberFactory(name="李党员")
    admin = UserFactory(username="管理员", is_superuser=True, is_staff=True, email="")
    home = catalog_home()
    course = home.add_child(instance=CoursePage(title="党章学习", slug="党章学习", live=True))
    lesson = course.add_child(instance=LessonPage(title="第一课", slug="第一课", live=True))
    lesson.save_revision(user=admin)  # a history entry
    image = get_image_model().objects.create(title="封面", file=get_test_image_file(filename="1.png"))
    document = get_document_model().objects.create(title="学习材料", file=ContentFile(b"%PDF-1.4", name="材料.pdf"))
    make_talk(title="专题报告")
    quiz([question(text="党章规定了什么？")], title="党章测验")
    import_package(io.BytesIO(scorm_packages.scorm12()), filename="课件.zip", lesson=lesson)
    due = datetime.date(2030, 6, 30)
    Assignment.objects.create(member=learner, course=course, year=2030, due_on=due, original_due_on=due)
    KindYearRule.objects.create(kind=ActivityKind.objects.order_by("pk").first(), year=2030, hours=2,
                                period="quarterly", min_count=1)
    return {"admin": admin, "trainer": trainer.user, "home": home, "course": course, "lesson": lesson,
            "image": image, "document": document}


def our_viewsets():
    return [vs for vs in viewsets.viewsets
            if isinstance(vs, ModelViewSet) and vs.model._meta.app_config.name.startswith(OUR_APPS)]


def viewset_urls(viewset, user) -> list[str]:
    """The index, create and edit views of one of our viewsets that ``user`` may open."""
    policy = viewset.permission_policy
    urls = []
    if policy.user_has_any_permission(user, ["add", "change", "delete", "view"]):
        urls.append(viewset.menu_url)
    try:
        if policy.user_has_permission(user, "add"):
            urls.append(reverse(viewset.get_url_name("add")))
    except NoReverseMatch:  # no create view
        pass
    obj = viewset.model._default_manager.first()
    if obj is not None and policy.user_has_permission(user, "change"):
        urls.append(reverse(viewset.get_url_name("edit"), args=[obj.pk]))
    return urls


def page_screens(world, user) -> list[str]:
    """What trainers use: the page tree, the editor, images, documents (those the user may open: Wagtail grants
    images and documents per collection)."""
    home, course, lesson = world["home"], world["course"], world["lesson"]
    media = [
        ("/admin/images/", images_policy, "add change choose"),
        ("/admin/images/multiple/add/", images_policy, "add"),
        (f"/admin/images/{world['image'].pk}/", images_policy, "change"),
        ("/admin/documents/", documents_policy, "add change choose"),
        ("/admin/documents/multiple/add/", documents_policy, "add"),
        (f"/admin/documents/edit/{world['document'].pk}/", documents_policy, "change"),
    ]
    return [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{home.pk}/add_subpage/",
        f"/admin/pages/add/catalog/coursepage/{home.pk}/",
        f"/admin/pages/add/catalog/lessonpage/{course.pk}/",
        f"/admin/pages/{lesson.pk}/history/",
        "/admin/account/",
    ] + [url for url, policy, actions in media if policy.user_has_any_permission(user, actions.split())]


def superuser_screens(world) -> list[str]:
    """Besides the trainers' screens: workflows, reports, users and groups, imports."""
    urls = page_screens(world, world["admin"]) + [
        "/admin/workflows/list/",
        "/admin/workflows/add/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/locked/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/page-types-usage/",
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[world["trainer"].pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:edit", args=[Group.objects.get(name=TRAINERS).pk]),
        reverse("lms_import_members"),
        reverse("lms_import_records"),
        reverse("quizzes_import"),
        reverse("xapi_clients"),
        reverse("xapi_client_add"),
    ]
    lrs_client = LrsClient(name="学习平台")
    lrs_client.issue_secret()
    lrs_client.save()
    urls.append(reverse("xapi_client_edit", args=[lrs_client.pk]))
    if workflow := Workflow.objects.first():
        urls.append(f"/admin/workflows/edit/{workflow.pk}/")
    if task := Task.objects.first():
        urls.append(f"/admin/workflows/tasks/edit/{task.pk}/")
    return urls


@pytest.mark.parametrize("who", ["superuser", "trainer"])
def test_admin_screens_have_no_english_words(world, who):
    user = world["admin"] if who == "superuser" else world["trainer"]
    urls = superuser_screens(world) if who == "superuser" else page_screens(world, user)
    for viewset in our_viewsets():
        urls += viewset_urls(viewset, user)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    allowed = page_allowed()
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        found = english(response.content.decode(), allowed.get(url, frozenset()))
        if found:
            texts = sorted({text[:120] for texts in found.values() for text in texts})
            problems.append(f"{url}: {' '.join(sorted(found))}\n    " + "\n    ".join(texts))
    assert not problems, f"English words in the admin ({who}):\n" + "\n".join(problems)


def test_the_check_finds_english():
    html = """<html><head><title>Exploring: 课程</title><script>var x = "Ignored";</script></head><body>
      <button title="Toggle sidebar">切换</button><input type="submit" value="Save draft">
      <p>已发布 <kbd>Ctrl + s</kbd></p><td><span class="w-sr-only">True</span></td><td>False</td></body></html>"""
    assert set(english(html)) == {"Exploring", "Toggle", "sidebar", "Save", "draft", "False"}
