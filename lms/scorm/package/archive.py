"""The ZIP side of a SCORM package: the caps and wording of lms.common.archives, which checks every entry from
the archive's directory (names, types, encryption, duplicates, counts, sizes, compression ratios) and unpacks
it while counting the real bytes. Operating-system clutter (__MACOSX, .DS_Store, Thumbs.db) is left out."""

from django.utils.translation import gettext as _

from lms.common.archives import ZipMessages, ZipRules

from .. import conf
from .errors import ScormError


def _clutter(parts: list[str]) -> bool:
    return parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db")


def rules() -> ZipRules:
    """Read when a package is checked, so settings changed at run time (and in tests) apply."""
    messages = ZipMessages(
        too_many=_("The package has more than %(n)d files."),
        unsafe_name=_("The package contains an unsafe file name: %(name)s"),
        absolute_path=_("The package contains an absolute path: %(name)s"),
        outside=_("The package contains a path outside its folder: %(name)s"),
        symlink=_("The package contains a symbolic link: %(name)s"),
        special_file=_("The package contains a special file: %(name)s"),
        encrypted=_("The package contains an encrypted file: %(name)s"),
        duplicate=_("The package contains the same file twice: %(name)s"),
        too_large=_("The package unpacks to more than %(mb)d MB."),
        ratio=_("The file %(name)s is compressed suspiciously well (more than %(ratio)d to 1); the package is "
                "refused as a possible zip bomb."),
        upload_too_large=_("The file is larger than %(mb)d MB."),
        not_a_zip=_("The file is not a valid ZIP archive."),
        damaged=_("The archive is damaged or uses an unsupported compression: %(error)s"),
    )
    return ZipRules(
        messages=messages, error=lambda message, name: ScormError(message), clutter=_clutter,
        max_entries=conf.get("SCORM_MAX_FILES"), max_bytes=conf.get("SCORM_MAX_UNPACKED_BYTES"),
        max_ratio=conf.get("SCORM_MAX_RATIO"), ratio_floor=conf.get("SCORM_RATIO_FLOOR_BYTES"),
        required=(("imsmanifest.xml", _("This is not a SCORM package: imsmanifest.xml is missing from the top "
                                        "folder of the ZIP file.")),),
    )
