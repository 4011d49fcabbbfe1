"""Admin forms of the organization app: members (post choice) and posts (immutable codes)."""

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Post


class MemberAdminForm(WagtailAdminModelForm):
    """A member's post is chosen among the active posts; an inactive post the member already holds stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("post")
        if field is not None:
            current = self.instance.post_id if self.instance is not None else None
            field.queryset = Post.objects.filter(Q(is_active=True) | Q(pk=current)).order_by("code")


class PostAdminForm(WagtailAdminModelForm):
    """A post's code is a stable identifier (imports, plan rules, reports): set once, never changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and self.instance.pk and "code" in self.fields:
            self.fields["code"].disabled = True
