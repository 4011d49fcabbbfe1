from django.urls import path

from lms.common import api_routing  # noqa: F401 - registers the <id:...> converter

from . import views, views_archive

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="reports-index"),
    path("reports/exports/", views.exports, name="reports-exports"),
    path("reports/exports/<uuid:token>/download/", views.export_download, name="reports-export-download"),
    path("reports/subscriptions/", views.subscriptions, name="reports-subscriptions"),
    path("reports/subscriptions/<id:pk>/delete/", views.unsubscribe, name="reports-unsubscribe"),
    path("reports/audit/", views.audit_log, name="reports-audit"),
    path("reports/<slug:name>/", views.report_page, name="reports-page"),
    path("archive/", views_archive.my_archive, name="archive-mine"),
    path("archive/members/", views_archive.archive_members, name="archive-members"),
    path("archive/branch/", views_archive.branch_archives, name="archive-branch"),
    path("archive/entries/<id:entry_id>/reverse/", views_archive.reverse_entry, name="archive-reverse"),
    path("archive/<id:member_id>/", views_archive.archive_detail, name="archive-detail"),
    path("archive/<id:member_id>/pdf/", views_archive.archive_pdf, name="archive-pdf"),
]
