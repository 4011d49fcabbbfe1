"""The LRS under /xapi/ (resource paths as the xAPI specification names them; a trailing slash is tolerated)."""

from django.urls import re_path

from . import views_about, views_documents, views_statements

app_name = "xapi"

urlpatterns = [
    re_path(r"^xapi/about/?$", views_about.about, name="about"),
    re_path(r"^xapi/statements/?$", views_statements.statements, name="statements"),
    re_path(r"^xapi/activities/state/?$", views_documents.state, name="state"),
    re_path(r"^xapi/activities/profile/?$", views_documents.activity_profile, name="activity-profile"),
    re_path(r"^xapi/activities/?$", views_documents.activities, name="activities"),
    re_path(r"^xapi/agents/profile/?$", views_documents.agent_profile, name="agent-profile"),
    re_path(r"^xapi/agents/?$", views_documents.agents, name="agents"),
]
