"""API throttling: DRF's anonymous (per client address) and per-user rates, read from the settings on every
request (LMS_API_ANON_RATE, LMS_API_USER_RATE; None or empty: no limit) instead of once at import, so a test or a
settings change takes effect at once. A throttled call answers 429 with Retry-After in the API's error shape
(lms.common.api_errors, code "throttled"). The counters live in the default cache, which production.py makes one
cache for all web processes."""

from django.conf import settings
from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return getattr(settings, "LMS_API_ANON_RATE", None) or None


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return getattr(settings, "LMS_API_USER_RATE", None) or None
