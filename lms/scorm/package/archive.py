"""The ZIP side of a SCORM package: every entry checked from the archive's directory, then unpacked while the
real bytes are counted.

Checked before a byte is written: entry names (no absolute paths, drive letters, `..`, backslashes or control
characters), entry types (no symbolic links or special files, no encryption), the number of files, the declared
unpacked total and each entry's compression ratio (zip bombs). While unpacking, an entry that produces more than
it declared stops the unpacking at once.
"""

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .. import conf
from .errors import ScormError, mb, shown

CHUNK = 64 * 1024


@dataclass
class Inspection:
    entries: list[zipfile.ZipInfo] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    total_bytes: int = 0


def _check_name(name: str) -> list[str]:
    if "\x00" in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        raise ScormError(_("The package contains an unsafe file name: %(name)s") % {"name": shown(name)})
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        raise ScormError(_("The package contains an absolute path: %(name)s") % {"name": shown(name)})
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ScormError(_("The package contains a path outside its folder: %(name)s") % {"name": shown(name)})
    return parts


def inspect_archive(zf: zipfile.ZipFile) -> Inspection:
    """Check every entry of the archive's directory; raise ScormError on the first problem."""
    max_files = conf.get("SCORM_MAX_FILES")
    max_bytes = conf.get("SCORM_MAX_UNPACKED_BYTES")
    max_ratio = conf.get("SCORM_MAX_RATIO")
    floor = conf.get("SCORM_RATIO_FLOOR_BYTES")
    infos = zf.infolist()
    if len(infos) > max_files:
        raise ScormError(_("The package has more than %(n)d files.") % {"n": max_files})
    result = Inspection()
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = _check_name(name)
        file_type = stat.S_IFMT(info.external_attr >> 16)  # Unix file type, 0 when not recorded
        if file_type == stat.S_IFLNK:
            raise ScormError(_("The package contains a symbolic link: %(name)s") % {"name": shown(name)})
        if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise ScormError(_("The package contains a special file: %(name)s") % {"name": shown(name)})
        if info.flag_bits & 0x1:
            raise ScormError(_("The package contains an encrypted file: %(name)s") % {"name": shown(name)})
        if info.is_dir():
            continue
        if parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db"):
            continue  # operating-system clutter
        key = name.casefold()
        if key in seen:
            raise ScormError(_("The package contains the same file twice: %(name)s") % {"name": shown(name)})
        seen.add(key)
        if info.file_size > floor and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ScormError(_("The file %(name)s is compressed suspiciously well (more than %(ratio)d to 1); "
                               "the package is refused as a possible zip bomb.")
                             % {"name": shown(name), "ratio": max_ratio})
        result.total_bytes += info.file_size
        if result.total_bytes > max_bytes:
            raise ScormError(_("The package unpacks to more than %(mb)d MB.") % {"mb": mb(max_bytes)})
        result.entries.append(info)
        result.names.add(name)
    if "imsmanifest.xml" not in result.names:
        raise ScormError(_("This is not a SCORM package: imsmanifest.xml is missing from the top folder of the "
                           "ZIP file."))
    return result


def unpack(zf: zipfile.ZipFile, inspection: Inspection, target: Path) -> int:
    """Write the checked entries below target, counting the bytes really produced."""
    max_bytes = conf.get("SCORM_MAX_UNPACKED_BYTES")
    root = target.resolve()
    written = 0
    for info in inspection.entries:
        dest = (root / info.filename).resolve()
        if root not in dest.parents:
            raise ScormError(_("The package contains a path outside its folder: %(name)s")
                             % {"name": shown(info.filename)})
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "wb") as out:
            own = 0
            while chunk := src.read(CHUNK):
                own += len(chunk)
                written += len(chunk)
                if own > info.file_size or written > max_bytes:
                    raise ScormError(_("The package unpacks to more than %(mb)d MB.") % {"mb": mb(max_bytes)})
                out.write(chunk)
    return written
