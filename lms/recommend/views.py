"""Form posts from the dashboard: dismiss a recommendation, mark a talk as done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from content_library.models import Talk
from lms.org.scope import require_member

from . import services
from .models import Recommendation


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("progress:my-learning"))


def _member_or_404(request):
    return require_member(request.user, _("Only members get recommendations."))


@login_required
@require_POST
def dismiss(request, pk):
    member = _member_or_404(request)
    try:
        services.dismiss(member, pk)
    except Recommendation.DoesNotExist as exc:
        raise Http404(_("No such recommendation.")) from exc
    except services.RecommendError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("We will not recommend it again."))
    return _back(request)


@login_required
@require_POST
def talk_done(request, talk_id):
    member = _member_or_404(request)
    talk = get_object_or_404(Talk, pk=talk_id)
    try:
        services.mark_talk_done(member, talk, request.user)
    except services.RecommendError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("Marked as done."))
    return _back(request)
