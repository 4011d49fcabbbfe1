"""Wagtail admin views limited to the members a user oversees (lms.org.scope): listings, edit, delete,
inspect, history and usage of members and of the records that belong to a member. HR and superusers see all."""

from django.http import Http404
from wagtail.admin.menu import MenuItem
from wagtail.snippets.views.snippets import SnippetViewSet

from .scope import is_hr, visible_members


class MemberScopedViewSet(SnippetViewSet):
    """``member_field``: the path from the model to its member ("" for Member itself)."""

    member_field = ""

    def scope(self, user, queryset):
        if is_hr(user):
            return queryset
        lookup = f"{self.member_field}__in" if self.member_field else "pk__in"
        return queryset.filter(**{lookup: visible_members(user)})

    def get_queryset(self, request):
        return self.scope(request.user, self.model._default_manager.all())

    def construct_view(self, view_class, **kwargs):
        if hasattr(view_class, "get_object"):
            view_class = self._guarded(view_class)
        return super().construct_view(view_class, **kwargs)

    def _guarded(self, view_class):
        viewset = self

        class Guarded(view_class):
            def get_object(self, *args, **kwargs):
                obj = super().get_object(*args, **kwargs)
                if obj is not None and not viewset.scope(self.request.user,
                                                         type(obj)._default_manager.filter(pk=obj.pk)).exists():
                    raise Http404  # another branch's object does not exist for this user
                return obj

        Guarded.__name__ = Guarded.__qualname__ = f"Scoped{view_class.__name__}"
        return Guarded


class HRMenuItem(MenuItem):
    """An admin menu entry only HR (and superusers) see."""

    def is_shown(self, request):
        return is_hr(request.user)
