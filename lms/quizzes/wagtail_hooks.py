"""Question bank, quizzes and H5P packages in the Wagtail admin; the question import page."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.common.admin_columns import boolean_column

from . import views_admin
from .forms import H5PPackageForm, QuestionForm, QuizForm
from .models import H5PPackage, Question, QuestionCategory, Quiz


def _link(url_name, label):
    def accessor(instance):
        return format_html('<a href="{}">{}</a>', reverse(url_name, args=[instance.pk]), label)

    return accessor


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["__str__", "qtype", "category", "difficulty", "points", boolean_column(Question, "is_active")]
    list_filter = ["qtype", "category", "difficulty", "is_active"]
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name", "description"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes and exams")
    list_display = [
        "title", "kind", "lesson", "time_limit_minutes", "max_attempts", "pass_percent",
        Column("stats", label=_("Results"), accessor=_link("quizzes:quiz-stats", _("Statistics"))),
    ]
    list_filter = ["kind"]
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizForm)


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "media"
    menu_label = _("H5P interactive content")
    list_display = ["title", "main_library", "lesson", "file_count", "created_at",
                    Column("play", label=_("Preview"), accessor=_link("quizzes:h5p-detail", _("Open")))]
    edit_handler = ObjectList(
        [FieldPanel("upload"), FieldPanel("title"), FieldPanel("lesson"), FieldPanel("pass_percent")],
        base_form_class=H5PPackageForm,
    )


class QuizzesGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet, QuizViewSet, H5PPackageViewSet)
    menu_icon = "tasks"
    menu_label = _("Quizzes")
    menu_name = "quizzes"
    menu_order = 230


register_snippet(QuizzesGroup)


@hooks.register("register_admin_urls")
def import_urls():
    return [
        path("quizzes/import/", views_admin.import_questions_view, name="quizzes_import"),
        path("quizzes/import/template.xlsx", views_admin.import_template_view, name="quizzes_import_template"),
    ]


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.add_question")


@hooks.register("register_admin_menu_item")
def import_questions_menu():
    return TrainerMenuItem(_("Import questions"), reverse("quizzes_import"), icon_name="upload", order=231)


@hooks.register("after_create_snippet")
def remember_author(request, instance):
    if isinstance(instance, Question | Quiz) and instance.created_by_id is None:
        type(instance).objects.filter(pk=instance.pk).update(created_by=request.user)
