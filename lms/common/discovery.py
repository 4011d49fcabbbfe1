"""Finding a module of the same name in every installed app of the project (URLconfs, API routes, demo steps),
so a new app is picked up by being installed, not by an edit to a list elsewhere."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

PROJECT_PACKAGES = ("lms.", "content_library", "media_pipeline", "search")


def app_modules(module: str) -> list[str]:
    """``<app>.<module>`` of every installed project app that has one, in INSTALLED_APPS order."""
    names = [app.name for app in apps.get_app_configs() if app.name.startswith(PROJECT_PACKAGES)]
    return [f"{name}.{module}" for name in names if find_spec(f"{name}.{module}") is not None]


def demo_steps() -> list:
    """The ``seed()`` of every app's ``demo`` module, ordered by its ``DEMO_ORDER`` (default 100)."""
    steps = []
    for name in app_modules("demo"):
        found = import_module(name)
        if callable(getattr(found, "seed", None)):
            steps.append((getattr(found, "DEMO_ORDER", 100), name, found.seed))
    return [(name, seed) for _order, name, seed in sorted(steps, key=lambda step: (step[0], step[1]))]
