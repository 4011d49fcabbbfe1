"""Wagtail admin for talks: upload (streamed to storage, with upload progress), import a replay by URL,
processing status/progress in the list and on the edit page, a re-transcribe action and the transcript
editor (a line, or a term across the talk, with the history of edits)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from lms.common import uploads

from . import transcripts
from .models import Talk, TranscriptEdit
from .processing import ALLOWED_EXTENSIONS, process_talk

ADMIN_JS = "content_library/admin-talks.js"


class UploadProgressFileInput(forms.ClearableFileInput):
    """File input whose form is sent with XMLHttpRequest so the admin sees upload progress."""

    def __init__(self, attrs=None):
        accept = ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS)) + ",audio/*,video/*"
        super().__init__(attrs={"accept": accept, "data-talk-upload": "1", **(attrs or {})})


class TalkAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source_file" in self.fields:
            self.fields["source_file"].widget = UploadProgressFileInput()
            self.fields["source_file"].help_text = _(
                "Video or audio file (MP4, M4A, MP3, WAV, OGG …), up to several GB."
            )
        if "source_url" in self.fields:
            self.fields["source_url"].help_text = _(
                "Or the address of a replay: an MP4/M4A file or an HLS .m3u8 stream."
            )

    def clean_source_file(self):
        upload = self.cleaned_data.get("source_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            if uploads.is_too_large(upload, "talk"):
                raise forms.ValidationError(uploads.too_large("talk"))
            ext = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
            if ext not in ALLOWED_EXTENSIONS:
                raise forms.ValidationError(
                    _("Files of type “%(ext)s” cannot be transcribed. Allowed: %(allowed)s."),
                    params={"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED_EXTENSIONS))},
                )
        return upload

    def clean_source_url(self):
        url = self.cleaned_data.get("source_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Only http:// and https:// addresses can be imported."))
        return url

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("source_file")) if "source_file" in self.fields else bool(self.instance.source_file)
        has_url = bool(cleaned.get("source_url"))
        if not has_file and not has_url:
            raise forms.ValidationError(_("Upload a file or give the address of a replay."))
        if "source_file" in self.fields and self.files.get("source_file") and has_url:
            raise forms.ValidationError(_("Upload a file or give an address, not both."))
        if cleaned.get("visibility") == Talk.Visibility.SUBTREE and not cleaned.get("org_unit"):
            self.add_error("org_unit", _("Choose the org unit whose subtree may see this talk."))
        return cleaned


class ProcessingPanel(Panel):
    """Read-only processing status with a live progress bar (polled by admin-talks.js)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content_library/admin/processing_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            talk = self.instance
            context.update(
                talk=talk,
                progress_url=reverse("content_library:talk-progress") + f"?ids={talk.pk}",
                retranscribe_url=reverse(TalkViewSet.url_namespace_name + ":retranscribe", args=[quote(talk.pk)]),
            )
            return context


DETAILS = [
    FieldPanel("title"),
    FieldPanel("speaker"),
    FieldPanel("recorded_on"),
    FieldPanel("category"),
    MultiFieldPanel(
        [FieldPanel("org_unit"), FieldPanel("visibility")], heading=_("Ownership and visibility")
    ),
    MultiFieldPanel([FieldPanel("language"), FieldPanel("glossary")], heading=_("Transcription")),
]

upload_panels = ObjectList(
    [MultiFieldPanel([FieldPanel("source_file"), FieldPanel("source_url")], heading=_("Recording")), *DETAILS,
     ProcessingPanel(heading=_("Processing"))],
    base_form_class=TalkAdminForm,
)
import_panels = ObjectList(
    [FieldPanel("source_url"), *DETAILS],
    base_form_class=TalkAdminForm,
)


class TalkStatusColumn(Column):
    cell_template_name = "content_library/admin/status_cell.html"

    def get_value(self, instance):
        return instance


class TalkIndexView(IndexView):
    import_url_name = None
    retranscribe_url_name = None
    transcript_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(HeaderButton(_("Import replay by URL"), url=reverse(self.import_url_name), icon_name="link"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons.append(MenuItem(
                _("Re-transcribe"), url=reverse(self.retranscribe_url_name, args=[quote(instance.pk)]),
                icon_name="rotate", priority=15,
            ))
            if instance.status == Talk.Status.READY:
                buttons.append(MenuItem(
                    _("Edit transcript"), url=reverse(self.transcript_url_name, args=[quote(instance.pk)]),
                    icon_name="edit", priority=16,
                ))
        if instance.pk and instance.status != Talk.Status.FAILED:
            buttons.append(MenuItem(_("View"), url=instance.get_absolute_url(), icon_name="view", priority=5))
        return buttons


class TalkCreateView(CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        upload = self.form.cleaned_data.get("source_file")
        if upload is not None and hasattr(upload, "size"):
            self.form.instance.source_name = PurePosixPath(upload.name).name[:255]
            self.form.instance.source_size = upload.size
        instance = super().save_instance()
        process_talk(instance)  # queued once the surrounding transaction commits
        return instance

    def get_success_message(self, instance):
        return _("Talk “%(title)s” saved; it is being transcribed.") % {"title": instance.title}


class TalkEditView(EditView):
    def save_instance(self):
        changed = {"source_file", "source_url"} & set(self.form.changed_data)
        instance = super().save_instance()
        if changed:
            process_talk(instance)
        return instance


class RetranscribeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "content_library/admin/retranscribe.html"
    page_title = _("Re-transcribe")
    header_icon = "rotate"
    permission_policy = None
    index_url_name = None
    edit_url_name = None

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.object = get_object_or_404(Talk, pk=unquote(str(pk)))
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(talk=self.object, cancel_url=reverse(self.index_url_name))
        return context

    def post(self, request, *args, **kwargs):
        talk = self.object
        if not (talk.source_file or talk.source_url):
            messages.error(request, _("The talk has neither a file nor an address to process."))
            return redirect(self.edit_url_name, quote(talk.pk))
        process_talk(talk)
        messages.success(request, _("“%(title)s” is being transcribed again; the current transcript stays until "
                                    "the new one is ready.") % {"title": talk.title})
        return redirect(self.index_url_name)


class TranscriptEditorView(WagtailAdminTemplateMixin, TemplateView):
    """Correct one line, or a term everywhere in the talk; the history below shows every edit."""

    template_name = "content_library/admin/transcript.html"
    page_title = _("Edit transcript")
    header_icon = "edit"
    permission_policy = None
    index_url_name = None
    per_page = 100

    def dispatch(self, request, *args, pk=None, **kwargs):
        self.object = get_object_or_404(Talk, pk=unquote(str(pk)))
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.object.segments.order_by("index"), self.per_page).get_page(self.request.GET.get("p"))
        context.update(talk=self.object, page=page, cancel_url=reverse(self.index_url_name),
                       edits=TranscriptEdit.objects.filter(talk=self.object).select_related("created_by")
                       .order_by("-created_at", "-id")[:200],
                       max_line=transcripts.MAX_LINE_CHARS, max_term=transcripts.MAX_TERM_CHARS)
        return context

    def post(self, request, *args, **kwargs):
        talk, data = self.object, request.POST
        try:
            if data.get("action") == "term":
                edit = transcripts.replace_term(talk, data.get("old", ""), data.get("new", ""), request.user)
                messages.success(request, _("“%(old)s” → “%(new)s” in %(count)d lines.") % {
                    "old": edit.old_text, "new": edit.new_text, "count": edit.lines_changed})
            elif data.get("action") == "line":
                try:
                    segment_id = int(data.get("segment", ""))
                except ValueError:
                    raise transcripts.EditError(_("Choose a line to correct.")) from None
                transcripts.edit_line(talk, segment_id, data.get("text", ""), request.user)
                messages.success(request, _("Line corrected; captions and search follow."))
            else:
                raise transcripts.EditError(_("Unknown action."))
        except transcripts.EditError as exc:
            messages.error(request, str(exc))
            context = self.get_context_data(**kwargs)
            context["form_data"] = data
            return self.render_to_response(context, status=400)
        page = data.get("p", "")
        return redirect(request.path + (f"?p={page}" if page.isdigit() else ""))


class TalkViewSet(SnippetViewSet):
    model = Talk
    icon = "media"
    menu_label = _("Talks")
    menu_order = 250
    add_to_admin_menu = True
    url_namespace_name = "content_library_talk"
    admin_url_namespace = url_namespace_name
    base_url_path = "talks"
    index_view_class = TalkIndexView
    add_view_class = TalkCreateView
    edit_view_class = TalkEditView
    edit_handler = upload_panels
    list_display = ["title", "speaker", TalkStatusColumn("status", label=_("Status")),
                    Column("duration", label=_("Duration (s)")), UpdatedAtColumn()]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "speaker"]
    ordering = ["-created_at"]
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            import_url_name=self.get_url_name("import_url"),
            retranscribe_url_name=self.get_url_name("retranscribe"),
            transcript_url_name=self.get_url_name("transcript"),
            **kwargs,
        )

    @property
    def import_url_view(self):
        view_kwargs = self.get_add_view_kwargs()
        view_kwargs.update(
            panel=import_panels.bind_to_model(Talk),
            form_class=import_panels.bind_to_model(Talk).get_form_class(),
            page_title=_("Import replay by URL"),
        )
        return self.construct_view(self.add_view_class, **view_kwargs)

    @property
    def retranscribe_view(self):
        return RetranscribeView.as_view(
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("list"),
            edit_url_name=self.get_url_name("edit"),
            breadcrumbs_items=self.breadcrumbs_items + [{"url": reverse_lazy(self.get_url_name("list")),
                                                         "label": self.menu_label}],
        )

    @property
    def transcript_view(self):
        return TranscriptEditorView.as_view(
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("list"),
            breadcrumbs_items=self.breadcrumbs_items + [{"url": reverse_lazy(self.get_url_name("list")),
                                                         "label": self.menu_label}],
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", self.import_url_view, name="import_url"),
            path("retranscribe/<str:pk>/", self.retranscribe_view, name="retranscribe"),
            path("transcript/<str:pk>/", self.transcript_view, name="transcript"),
        ]


register_snippet(TalkViewSet)


@hooks.register("insert_global_admin_js")
def talk_admin_js():
    return format_html('<script src="{}" defer></script>', static(ADMIN_JS))
