from django import template

register = template.Library()


@register.filter
def timecode(seconds) -> str:
    """95.4 → "1:35", 3725 → "1:02:05"."""
    try:
        total = int(float(seconds))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(max(total, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def seconds_attr(value) -> str:
    """A float for data-* attributes, never localized ("12.5", not "12,5")."""
    try:
        return f"{float(value):.3f}".rstrip("0").rstrip(".") or "0"
    except (TypeError, ValueError):
        return "0"
