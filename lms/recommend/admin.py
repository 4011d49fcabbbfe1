from django.contrib import admin

from .models import RecomputeRun


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """Read-only history of recomputes (nightly and incremental), for operators."""

    list_display = ["started_at", "kind", "status", "members", "recommendations", "seconds"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
