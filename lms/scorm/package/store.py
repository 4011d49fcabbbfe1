"""Validating a whole upload, then storing it: nothing reaches storage or the database before every check has
passed, and a failure while storing removes what was written."""

import hashlib
import shutil
import tempfile
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from .. import conf
from ..models import ScormItem, ScormPackage
from . import archive, manifest
from .errors import ScormError, mb, shown


@dataclass
class Checked:
    root: Path
    manifest: manifest.Manifest
    total_bytes: int
    sha256: str


@contextmanager
def checked_package(upload, *, filename: str):
    """Validate and unpack into a temporary folder (removed afterwards); raise ScormError when refused."""
    if not filename.lower().endswith(".zip"):
        raise ScormError(_("Upload a SCORM package as a .zip file."))
    max_upload = conf.get("SCORM_MAX_UPLOAD_BYTES")
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload:
        raise ScormError(_("The file is larger than %(mb)d MB.") % {"mb": mb(max_upload)})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(archive.CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    try:
        zf = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ScormError(_("The file is not a valid ZIP archive.")) from exc
    with zf, tempfile.TemporaryDirectory(prefix="scorm-") as tmp:
        inspection = archive.inspect_archive(zf)
        try:
            total = archive.unpack(zf, inspection, Path(tmp))
        except ScormError:
            raise
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError, OSError) as exc:
            raise ScormError(_("The archive is damaged or uses an unsupported compression: %(error)s")
                             % {"error": shown(exc)}) from exc
        raw = (Path(tmp) / "imsmanifest.xml").read_bytes()
        plan = manifest.parse(raw, inspection.names)
        yield Checked(Path(tmp), plan, total, digest.hexdigest())
    upload.seek(0)


def validate_package(upload, *, filename: str) -> manifest.Manifest:
    """Only check (for forms)."""
    with checked_package(upload, filename=filename) as checked:
        return checked.manifest


def delete_stored(storage_dir: str) -> None:
    """Remove a package's folder from the default storage (filesystem or remote)."""
    if not storage_dir or ".." in storage_dir.split("/"):
        return
    try:
        local = default_storage.path(storage_dir)
    except NotImplementedError:
        local = None
    if local is not None:
        shutil.rmtree(local, ignore_errors=True)
        return

    def walk(prefix):
        try:
            dirs, files = default_storage.listdir(prefix)
        except FileNotFoundError:
            return
        for name in files:
            default_storage.delete(f"{prefix}/{name}")
        for name in dirs:
            walk(f"{prefix}/{name}")

    walk(storage_dir)


def _store(root: Path, storage_dir: str) -> int:
    count = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        name = f"{storage_dir}/{rel}"
        with open(path, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=path.name))
        if saved != name:
            raise ScormError(_("Could not store %(file)s.") % {"file": shown(rel)})
        count += 1
    return count


def import_package(upload, *, filename: str, user=None, title: str = "", lesson=None) -> ScormPackage:
    """Validate and unpack an uploaded SCORM .zip; returns the saved package or raises ScormError."""
    storage_dir = f"{conf.get('SCORM_STORAGE_DIR')}/{uuid.uuid4().hex}"
    stored = done = False
    try:
        with checked_package(upload, filename=filename) as checked:
            stored = True
            count = _store(checked.root, storage_dir)
            plan = checked.manifest
            with transaction.atomic():
                package = ScormPackage.objects.create(
                    title=(title.strip() or plan.title)[:255], version=plan.version, identifier=plan.identifier,
                    storage_dir=storage_dir, source_name=Path(filename).name[:255], sha256=checked.sha256,
                    file_count=count, total_bytes=checked.total_bytes, uploaded_by=user, lesson=lesson,
                )
                ScormItem.objects.bulk_create([
                    ScormItem(package=package, position=n, identifier=i.identifier, title=i.title, depth=i.depth,
                              launch=i.launch, is_sco=i.is_sco, mastery_score=i.mastery_score,
                              scaled_passing_score=i.scaled_passing_score, launch_data=i.launch_data)
                    for n, i in enumerate(plan.items)
                ])
        done = True
        return package
    finally:
        if stored and not done:
            delete_stored(storage_dir)
