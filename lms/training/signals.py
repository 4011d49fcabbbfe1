"""Signals the training app sends; receivers live in handlers.py (this app's) or the apps above it."""

from django.dispatch import Signal

# TrainingPlan.save() sends it (instance=…) once the plan *and its rules* are stored; post_save comes before the
# rules are. handlers.py records a plan version on it (plans.record_version), which re-evaluates a changed plan.
plan_saved = Signal()
