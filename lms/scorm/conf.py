"""Limits of the SCORM part; each can be overridden by a setting of the same name."""

from django.conf import settings

DEFAULTS = {
    # Upload and unpacked-size limits of SCORM packages (zip bombs stop here).
    "SCORM_MAX_UPLOAD_BYTES": 200 * 1024 * 1024,
    "SCORM_MAX_UNPACKED_BYTES": 1024 * 1024 * 1024,
    "SCORM_MAX_FILES": 20000,
    # An entry that unpacks to more than this many times its compressed size is a zip bomb; small entries
    # (under SCORM_RATIO_FLOOR_BYTES unpacked) are exempt, as text compresses well.
    "SCORM_MAX_RATIO": 200,
    "SCORM_RATIO_FLOOR_BYTES": 1024 * 1024,
    # Folder of the default storage that holds extracted packages.
    "SCORM_STORAGE_DIR": "scorm",
    # Largest CMI commit accepted from the runtime (2004 suspend_data alone may be 64 000 characters).
    "SCORM_MAX_COMMIT_BYTES": 512 * 1024,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
