"""The member's home: what is due today and soon (placeholder; being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def today_page(request):
    return redirect("/")
