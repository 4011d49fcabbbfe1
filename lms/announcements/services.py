"""Announcements (通知公告): published to an org subtree, roles and posts; read and confirm, reminders and escalation.

The app's public surface for other apps (docs/architecture.md)."""
