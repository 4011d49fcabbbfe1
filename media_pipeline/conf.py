"""Pipeline settings with their defaults, read at call time (tests may override them)."""

from pathlib import Path

from django.conf import settings


def work_dir() -> Path:
    return Path(getattr(settings, "MEDIA_PIPELINE_WORK_DIR", Path(settings.VAR_DIR) / "media-work"))


def max_retries() -> int:
    return int(getattr(settings, "MEDIA_PIPELINE_MAX_RETRIES", 3))


def retry_backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): base, 2×base, 4×base … capped at 10 min."""
    base = float(getattr(settings, "MEDIA_PIPELINE_RETRY_BACKOFF", 10))
    return min(base * (2 ** max(attempt - 1, 0)), 600.0)


def url_timeout() -> float:
    return float(getattr(settings, "MEDIA_PIPELINE_URL_TIMEOUT", 30))


def max_source_bytes() -> int:
    return int(getattr(settings, "TALK_MAX_SOURCE_BYTES", 20 * 1024**3))


def import_max_bytes() -> int:
    """The most bytes one import by URL may download (all HLS segments together); 2 GiB by default."""
    return int(getattr(settings, "MEDIA_IMPORT_MAX_BYTES", 2 * 1024**3))


def stall_seconds() -> int:
    return int(getattr(settings, "MEDIA_PIPELINE_STALL_SECONDS", 5 * 60))
