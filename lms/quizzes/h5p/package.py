"""Validating and unpacking uploaded .h5p packages.

An .h5p file is a ZIP archive with h5p.json at its root, the content in
content/content.json and one folder per library (Machine.Name-1.2/library.json).
Everything is checked before anything is stored: entry names (no absolute
paths, no `..`, no backslashes), entry types (no symbolic links or special
files, no encryption), the number of files and the unpacked size (zip bombs),
and file extensions against the H5P specification's whitelists. The archive
is then unpacked into a temporary folder with the sizes counted again while
reading, its JSON and libraries checked, and only then copied into storage.
A failure at any point leaves nothing in storage or in the database.
"""

import json
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lms.common.archives import ZipMessages, ZipRules, shown, unpacked_upload
from lms.common.stored_folders import delete_stored as delete_stored  # the package's files go with its row
from lms.common.stored_folders import stored_folder

from .. import conf
from ..models import H5PPackage

logger = logging.getLogger(__name__)

MACHINE_NAME = re.compile(r"^[\w.\-]{1,255}$")
LIBRARY_FOLDER = re.compile(r"^(?P<name>[\w.\-]{1,255})-(?P<major>\d{1,5})\.(?P<minor>\d{1,5})$")
# The H5P core API of the bundled player (h5p-standalone 3.8 ships core 1.26).
CORE_API = (1, 26)


class H5PError(ValueError):
    """The package is refused; the message says why."""


def _extension(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def _accept(name: str, parts: list[str]) -> bool:
    """H5P's whitelists: content files of other types refuse the package; library files are left out."""
    allowed = set(conf.H5P_CONTENT_EXTENSIONS)
    in_library = len(parts) > 1 and parts[0] != "content"
    if in_library:
        allowed |= conf.H5P_LIBRARY_EXTRA_EXTENSIONS  # library folders may hold code and styles
    if _extension(name) in allowed:
        return True
    if in_library:
        return False
    raise H5PError(_("File type not allowed in an H5P package: %(name)s") % {"name": shown(name)})


def _rules() -> ZipRules:
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
        upload_too_large=_("The file is larger than %(mb)d MB."),
        not_a_zip=_("The file is not a valid H5P (ZIP) archive."),
        damaged=_("The archive is damaged or uses an unsupported compression: %(error)s"),
    )
    return ZipRules(
        messages=messages, error=lambda message, name: H5PError(message), accept=_accept,
        max_entries=conf.get("H5P_MAX_FILES"), max_bytes=conf.get("H5P_MAX_UNPACKED_BYTES"),
        required=(("h5p.json", _("This is not an H5P package: h5p.json is missing.")),
                  ("content/content.json", _("This is not an H5P package: content/content.json is missing."))),
    )


def _read_json(root: Path, rel: str) -> dict:
    try:
        data = json.loads((root / rel).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise H5PError(_("%(file)s is not valid JSON: %(error)s") % {"file": rel, "error": exc}) from exc
    if not isinstance(data, dict):
        raise H5PError(_("%(file)s must contain a JSON object.") % {"file": rel})
    return data


def _dependency(dep, where: str) -> tuple[str, int, int]:
    try:
        name, major, minor = dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"])
    except (KeyError, TypeError, ValueError) as exc:
        raise H5PError(_("%(file)s has an invalid library dependency.") % {"file": where}) from exc
    if not isinstance(name, str) or not MACHINE_NAME.match(name):
        raise H5PError(_("%(file)s has an invalid library name.") % {"file": where})
    return name, major, minor


def _version(value, field_name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise H5PError(_("%(file)s has an invalid %(field)s.") % {"file": where, "field": field_name})
    return int(value)


def _check_library_json(root: Path, folder: str) -> dict:
    """A library folder's library.json: the shape H5P requires, the folder's own name and version, a core
    API we run, well-formed dependencies and language files."""
    where = f"{folder}/library.json"
    if not (root / where).is_file():
        raise H5PError(_("The library folder %(folder)s has no library.json.") % {"folder": shown(folder)})
    lib = _read_json(root, where)
    match = LIBRARY_FOLDER.match(folder)
    title, name = lib.get("title"), lib.get("machineName")
    if not isinstance(title, str) or not title.strip() or not isinstance(name, str) or not MACHINE_NAME.match(name):
        raise H5PError(_("%(file)s needs a title and a valid machineName.") % {"file": where})
    major, minor = (_version(lib.get(key), key, where) for key in ("majorVersion", "minorVersion"))
    _version(lib.get("patchVersion"), "patchVersion", where)
    if match is None or (match["name"], int(match["major"]), int(match["minor"])) != (name, major, minor):
        raise H5PError(_("The library folder %(folder)s must be named %(name)s.")
                       % {"folder": shown(folder), "name": f"{name}-{major}.{minor}"})
    if lib.get("runnable") not in (0, 1, True, False):
        raise H5PError(_("%(file)s has an invalid runnable flag.") % {"file": where})
    core = lib.get("coreApi")
    if core is not None:
        if not isinstance(core, dict):
            raise H5PError(_("%(file)s has an invalid coreApi.") % {"file": where})
        needed = tuple(_version(core.get(key), "coreApi", where) for key in ("majorVersion", "minorVersion"))
        if needed > CORE_API:
            raise H5PError(_("The library %(lib)s needs H5P core %(needed)s; this platform runs %(core)s.")
                           % {"lib": f"{name} {major}.{minor}", "needed": "{}.{}".format(*needed),
                              "core": "{}.{}".format(*CORE_API)})
    for key in ("preloadedDependencies", "dynamicDependencies", "editorDependencies"):
        deps = lib.get(key, [])
        if not isinstance(deps, list):
            raise H5PError(_("%(file)s has an invalid library dependency.") % {"file": where})
        for dep in deps:
            _dependency(dep, where)
    language = root / folder / "language"
    if language.is_dir():
        for path in sorted(language.glob("*.json")):
            _read_json(root, path.relative_to(root).as_posix())
    return lib


def _check_libraries(root: Path, deps: list, where: str) -> None:
    """Every library the content needs (and their own dependencies) must be in the package."""
    pending = [(_dependency(d, where), where) for d in deps]
    done: set[tuple[str, int, int]] = set()
    while pending:
        (name, major, minor), needed_by = pending.pop()
        if (name, major, minor) in done:
            continue
        done.add((name, major, minor))
        folder = f"{name}-{major}.{minor}"
        if not (root / folder / "library.json").is_file():
            raise H5PError(_("The package does not contain the library %(lib)s (needed by %(by)s). Export the "
                             "content with its libraries.") % {"lib": f"{name} {major}.{minor}", "by": needed_by})
        lib_file = f"{folder}/library.json"
        lib = _check_library_json(root, folder)
        for key in ("preloadedJs", "preloadedCss"):
            for item in lib.get(key) or []:
                path = item.get("path") if isinstance(item, dict) else None
                if not isinstance(path, str) or ".." in PurePosixPath(path).parts or path.startswith("/") \
                        or not (root / folder / path).is_file():
                    raise H5PError(_("The library %(lib)s lists a file it does not contain: %(file)s")
                                   % {"lib": f"{name} {major}.{minor}", "file": shown(str(path))})
        for dep in lib.get("preloadedDependencies") or []:
            pending.append((_dependency(dep, lib_file), lib_file))


def _check_metadata(root: Path) -> tuple[dict, str]:
    meta = _read_json(root, "h5p.json")
    _read_json(root, "content/content.json")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise H5PError(_("h5p.json has no title."))
    main = meta.get("mainLibrary")
    deps = meta.get("preloadedDependencies")
    if not isinstance(main, str) or not MACHINE_NAME.match(main):
        raise H5PError(_("h5p.json has no valid mainLibrary."))
    if not isinstance(deps, list) or not deps:
        raise H5PError(_("h5p.json lists no preloadedDependencies."))
    parsed = [_dependency(d, "h5p.json") for d in deps]
    main_dep = next((d for d in parsed if d[0] == main), None)
    if main_dep is None:
        raise H5PError(_("h5p.json does not list its main library %(lib)s as a dependency.") % {"lib": main})
    _check_libraries(root, deps, "h5p.json")
    # Every library the package carries must be well-formed, needed or not.
    for folder in sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "content"):
        _check_library_json(root, folder)
    return meta, f"{main_dep[0]} {main_dep[1]}.{main_dep[2]}"


@dataclass
class Checked:
    root: Path
    meta: dict
    main_library: str
    total_bytes: int
    sha256: str
    skipped: list[str] = field(default_factory=list)


@contextmanager
def checked_package(upload, *, filename: str):
    """Validate and unpack into a temporary folder (removed afterwards); raise H5PError when refused."""
    if not filename.lower().endswith(".h5p"):
        raise H5PError(_("Upload an .h5p file."))
    with unpacked_upload(upload, _rules(), max_upload=conf.get("H5P_MAX_UPLOAD_BYTES"), prefix="h5p-") as done:
        meta, main_library = _check_metadata(done.root)
        skipped = done.inspection.skipped
        if skipped:
            logger.info("H5P package %s: left out %d library files of types H5P does not allow: %s", filename,
                        len(skipped), ", ".join(shown(n) for n in skipped[:10]))
        yield Checked(done.root, meta, main_library, done.total_bytes, done.sha256, skipped)


def validate_package(upload, *, filename: str) -> dict:
    """Only check (for forms); returns h5p.json."""
    with checked_package(upload, filename=filename) as checked:
        return checked.meta


def _not_stored(rel: str) -> H5PError:
    return H5PError(_("Could not store %(file)s.") % {"file": shown(rel)})


def import_package(upload, *, filename: str, user=None, title: str = "") -> H5PPackage:
    """Validate and unpack an uploaded .h5p file; returns the saved package or raises H5PError.

    Nothing stays in storage or in the database when it is refused.
    """
    with checked_package(upload, filename=filename) as checked, stored_folder(
            checked.root, conf.get("H5P_STORAGE_DIR"), not_stored=_not_stored, storage=default_storage) as stored:
        with transaction.atomic():
            return H5PPackage.objects.create(
                title=(title.strip() or checked.meta["title"].strip())[:255],
                main_library=checked.main_library[:255], h5p_json=checked.meta, storage_dir=stored.storage_dir,
                source_name=Path(filename).name[:255], sha256=checked.sha256, file_count=stored.file_count,
                total_bytes=checked.total_bytes, uploaded_by=user,
            )
