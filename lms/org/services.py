"""The org app's public actions for other apps (its reads are the models and the scope rule)."""

from .groups import MODERATORS, ensure_roles, sync_user_groups

__all__ = ["MODERATORS", "ensure_roles", "sync_user_groups"]
