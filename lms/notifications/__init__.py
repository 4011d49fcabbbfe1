"""Generic notifications: ``notify(user_or_member, kind, title, body, url, key)`` from any app."""


def notify(recipient, kind, title, body="", url="", key="", **kwargs):
    from .services import notify as _notify

    return _notify(recipient, kind, title, body, url, key, **kwargs)


def notify_many(items, **kwargs):
    from .services import notify_many as _notify_many

    return _notify_many(items, **kwargs)
