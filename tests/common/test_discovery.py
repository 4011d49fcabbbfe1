"""Installed apps are found by their modules: URLconfs, API routes and demo steps need no list elsewhere."""

from django.urls import reverse

from lms.common.discovery import app_modules, demo_steps


def test_every_project_app_with_api_routes_is_mounted():
    modules = app_modules("api_urls")
    assert modules[0] == "lms.org.api_urls" and "search.api_urls" in modules and "lms.records.api_urls" in modules
    assert all(not m.startswith(("django.", "wagtail.")) for m in modules)
    assert reverse("api-me") == "/api/v1/me/"  # records' route, mounted without naming records anywhere


def test_demo_steps_run_in_their_declared_order():
    assert [name for name, _seed in demo_steps()] == [
        "lms.training.demo", "lms.quizzes.demo", "lms.scorm.demo", "lms.activities.demo", "lms.reports.demo",
        "lms.points.demo", "lms.certificates.demo", "lms.announcements.demo", "lms.evaluation.demo",
        "lms.recommend.demo"]
