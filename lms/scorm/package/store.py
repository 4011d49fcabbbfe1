"""Validating a whole upload, then storing it: nothing reaches storage or the database before every check has
passed, and a failure while storing removes what was written."""

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lms.common.archives import shown, unpacked_upload
from lms.common.stored_folders import delete_stored as delete_stored  # the package's files go with its row
from lms.common.stored_folders import stored_folder

from .. import conf
from ..models import ScormItem, ScormPackage
from . import archive, manifest
from .errors import ScormError


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
    with unpacked_upload(upload, archive.rules(), max_upload=conf.get("SCORM_MAX_UPLOAD_BYTES"),
                         prefix="scorm-") as done:
        raw = (done.root / "imsmanifest.xml").read_bytes()
        plan = manifest.parse(raw, done.inspection.names)
        yield Checked(done.root, plan, done.total_bytes, done.sha256)


def validate_package(upload, *, filename: str) -> manifest.Manifest:
    """Only check (for forms)."""
    with checked_package(upload, filename=filename) as checked:
        return checked.manifest


def _not_stored(rel: str) -> ScormError:
    return ScormError(_("Could not store %(file)s.") % {"file": shown(rel)})


def import_package(upload, *, filename: str, user=None, title: str = "", lesson=None) -> ScormPackage:
    """Validate and unpack an uploaded SCORM .zip; returns the saved package or raises ScormError."""
    with checked_package(upload, filename=filename) as checked, \
            stored_folder(checked.root, conf.get("SCORM_STORAGE_DIR"), not_stored=_not_stored) as stored:
        plan = checked.manifest
        with transaction.atomic():
            package = ScormPackage.objects.create(
                title=(title.strip() or plan.title)[:255], version=plan.version, identifier=plan.identifier,
                storage_dir=stored.storage_dir, source_name=Path(filename).name[:255], sha256=checked.sha256,
                file_count=stored.file_count, total_bytes=checked.total_bytes, uploaded_by=user, lesson=lesson,
            )
            ScormItem.objects.bulk_create([
                ScormItem(package=package, position=n, identifier=i.identifier, title=i.title, depth=i.depth,
                          launch=i.launch, is_sco=i.is_sco, mastery_score=i.mastery_score,
                          scaled_passing_score=i.scaled_passing_score, launch_data=i.launch_data)
                for n, i in enumerate(plan.items)
            ])
        return package
