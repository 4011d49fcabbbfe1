"""The org app's public actions for other apps (its reads are the models and the scope rule)."""

from .groups import (
    EDITORS,
    HR,
    MODERATORS,
    ROLE_GROUPS,
    SECRETARIES,
    TRAINERS,
    ensure_posts,
    ensure_roles,
    sync_user_groups,
)

__all__ = ["EDITORS", "HR", "MODERATORS", "ROLE_GROUPS", "SECRETARIES", "TRAINERS", "ensure_posts", "ensure_roles",
           "sync_user_groups"]
