"""Settings of the certificates app, with their defaults, in one place."""

from django.conf import settings

# The largest seal image HR may upload, in MB.
SEAL_MAX_MB = getattr(settings, "LMS_CERTIFICATE_SEAL_MAX_MB", 2)
# The largest width or height of a seal image, in pixels (a seal prints at about 4 cm).
SEAL_MAX_PIXELS = getattr(settings, "LMS_CERTIFICATE_SEAL_MAX_PIXELS", 4000)
