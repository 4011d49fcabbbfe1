"""Training evaluation (培训效果评估): survey templates attached to courses and activities, responses, results per course, trainer and period.

The app's public surface for other apps (docs/architecture.md)."""
