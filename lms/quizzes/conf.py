"""Limits of the quiz and H5P parts; each can be overridden by a setting of the same name."""

from django.conf import settings

# H5P specification's whitelists (H5P core defaults, without the obsolete and unsafe swf).
H5P_CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc "
    "docx xls xlsx ppt pptx odt ods odp xml csv diff patch md textile vtt webvtt gltf glb".split()
)
H5P_LIBRARY_EXTRA_EXTENSIONS = frozenset({"js", "css"})


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


DEFAULTS = {
    # Network latency allowance after a quiz deadline, in seconds.
    "QUIZ_DEADLINE_GRACE_SECONDS": 5,
    # Upload and unpacked-size limits of .h5p packages (zip bombs stop here).
    "H5P_MAX_UPLOAD_BYTES": 200 * 1024 * 1024,
    "H5P_MAX_UNPACKED_BYTES": 500 * 1024 * 1024,
    "H5P_MAX_FILES": 5000,
    # Folder of the default storage that holds extracted packages.
    "H5P_STORAGE_DIR": "h5p",
    # Actor e-mail domain used in xAPI statements (never a real mailbox).
    "H5P_XAPI_MAIL_DOMAIN": "members.lms.invalid",
}
