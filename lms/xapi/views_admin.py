"""Admin screens for LRS clients: HR lists, creates, edits, rotates the secret of and deactivates the systems
that write to and read from the LRS. A secret is shown once, in the answer to the request that made it; only its
hash is stored. HR sees and assigns only clients of the units HR oversees; superusers see all."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages

from lms.org.scope import is_hr

from .forms import LrsClientForm, assignable_units
from .models import LrsClient


def _hr_only(request) -> None:
    if not is_hr(request.user):
        raise PermissionDenied


def visible_clients(user):
    clients = LrsClient.objects.select_related("org_unit", "created_by")
    if user.is_superuser:
        return clients
    return clients.filter(org_unit__in=assignable_units(user))


def _client(request, pk: int) -> LrsClient:
    return get_object_or_404(visible_clients(request.user), pk=pk)  # another unit's client does not exist here


def _secret_page(request, client: LrsClient, secret: str, *, new: bool):
    response = render(request, "xapi/admin/secret.html", {"client": client, "secret": secret, "new": new,
                                                          "title": _("Client secret")})
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET"])
def client_list(request):
    _hr_only(request)
    return render(request, "xapi/admin/list.html", {"clients": visible_clients(request.user),
                                                    "title": _("LRS clients")})


@require_http_methods(["GET", "POST"])
def client_add(request):
    _hr_only(request)
    form = LrsClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        client = form.save(commit=False)
        client.created_by = request.user
        secret = client.issue_secret()
        client.save()
        return _secret_page(request, client, secret, new=True)
    return render(request, "xapi/admin/form.html", {"form": form, "title": _("Add an LRS client")},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def client_edit(request, pk: int):
    _hr_only(request)
    client = _client(request, pk)
    form = LrsClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved the LRS client %(name)s.") % {"name": client.name})
        return redirect("xapi_clients")
    return render(request, "xapi/admin/form.html", {"form": form, "client": client,
                                                    "title": _("Edit the LRS client")},
                  status=400 if form.is_bound else 200)


@require_POST
def client_rotate(request, pk: int):
    _hr_only(request)
    client = _client(request, pk)
    secret = client.issue_secret()
    client.save(update_fields=["secret_hash"])
    return _secret_page(request, client, secret, new=False)


@require_POST
def client_deactivate(request, pk: int):
    _hr_only(request)
    client = _client(request, pk)
    LrsClient.objects.filter(pk=client.pk).update(is_active=False)
    messages.success(request, _("Deactivated the LRS client %(name)s: its key no longer works.")
                     % {"name": client.name})
    return redirect("xapi_clients")
