from django.urls import path

from lms.common.api_routing import ApiRouter

from . import api

router = ApiRouter()
router.register("reports/audit", api.AuditLogViewSet, basename="api-report-audit")
router.register("reports/subscriptions", api.SubscriptionViewSet, basename="api-report-subscription")

urlpatterns = router.urls + [
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("reports/exports/<uuid:token>/", api.ExportJobView.as_view(), name="api-report-export"),
    path("reports/<slug:name>/", api.ReportView.as_view(), name="api-report"),
    path("archives/<id:member_id>/", api.ArchiveView.as_view(), name="api-archive"),
    path("archives/<id:member_id>/pdf/", api.ArchivePdfView.as_view(), name="api-archive-pdf"),
]
