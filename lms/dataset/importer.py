"""Reading a dataset: the whole ZIP is checked first (manifest, version, checksums, every line's fields, types,
code lists and references, and the site's own constraints); only then is it applied, in one transaction.

Any problem: nothing changes, and the result lists each problem with its file, line and field. Importing the
same dataset again changes nothing (every entity is matched by its stable identifier).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from lms.records.services import CorrectionError

from .base import UNCHANGED, UPDATED, DatasetConflict, ImportContext
from .exporter import MANIFEST, PEOPLE
from .keys import ReferenceMap
from .registry import BY_NAME, ENTITIES, filename
from .standard import FORMAT, MAJOR, REF, VERSION, Invalid, parse_value

MAX_ERRORS = 500
DEFAULT_MAX_BYTES = 2 * 1024**3  # uncompressed: a ZIP that would unpack to more is refused unread


@dataclass
class DatasetError:
    file: str
    line: int  # 0: the file as a whole
    field: str
    reason: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[DatasetError] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def total(self, outcome: str) -> int:
        return sum(c.get(outcome, 0) for c in self.counts.values())


class _TooMany(Exception):
    pass


class _Rollback(Exception):
    pass


class _Checker:
    def __init__(self, result: ImportResult):
        self.result = result

    def error(self, file: str, line: int, fld: str, reason) -> None:
        self.result.errors.append(DatasetError(file, line, fld, str(reason)))
        if len(self.result.errors) >= MAX_ERRORS:
            raise _TooMany


def _read_manifest(archive: zipfile.ZipFile, check: _Checker) -> dict | None:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        check.error(MANIFEST, 0, "", _("the ZIP has no manifest.json"))
        return None
    except ValueError:
        check.error(MANIFEST, 0, "", _("manifest.json is not valid JSON"))
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        check.error(MANIFEST, 0, "format", _("this is not a dataset of this standard (format %(f)s)")
                    % {"f": FORMAT})
        return None
    version = str(manifest.get("standard_version", ""))
    if version.split(".")[0] != MAJOR:
        check.error(MANIFEST, 0, "standard_version", _("version %(v)s cannot be read; this site reads %(ours)s.x")
                    % {"v": version or "?", "ours": MAJOR})
        return None
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        check.error(MANIFEST, 0, "files", _("must list the files with their counts and sha256"))
        return None
    names = set(archive.namelist())
    for name, info in files.items():
        if name not in names:
            check.error(MANIFEST, 0, "files", _("%(name)s is listed but not in the ZIP") % {"name": name})
            continue
        digest = hashlib.sha256()
        with archive.open(name) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != info.get("sha256"):
            check.error(name, 0, "sha256", _("the checksum does not match the manifest (the file was changed or "
                                             "damaged)"))
    for name in sorted(names - set(files) - {MANIFEST}):
        check.error(name, 0, "", _("this file is not listed in the manifest"))
    return manifest


def _parse_line(entity, text: str, line: int, name: str, ctx: ImportContext, strict: bool,
                check: _Checker) -> dict | None:
    try:
        raw = json.loads(text)
    except ValueError:
        check.error(name, line, "", _("not a JSON object"))
        return None
    if not isinstance(raw, dict):
        check.error(name, line, "", _("not a JSON object"))
        return None
    known = {f.name for f in entity.fields}
    for extra in sorted(set(raw) - known):
        if strict:
            check.error(name, line, extra, _("is not a field of %(entity)s") % {"entity": entity.name})
    row, ok = {"_line": line}, True
    for fld in entity.fields:
        try:
            row[fld.name] = parse_value(fld, raw.get(fld.name), ctx)
        except Invalid as exc:
            check.error(name, line, fld.name, exc)
            ok = False
    return row if ok else None


def _read_rows(archive, manifest: dict, ctx: ImportContext, check: _Checker) -> None:
    strict = str(manifest.get("standard_version")) == VERSION  # a newer minor may add optional fields
    for entity in ENTITIES:
        name = filename(entity)
        ctx.rows[entity.name] = rows = {}
        info = manifest["files"].get(name)
        if info is None:
            continue  # an entity the producer does not hold
        count = 0
        with archive.open(name) as fh:
            for line, raw in enumerate(fh, start=1):
                count = line
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    check.error(name, line, "", _("not UTF-8 text"))
                    continue
                row = _parse_line(entity, text, line, name, ctx, strict, check)
                if row is None:
                    continue
                key = entity.key(row)
                if key in rows:
                    check.error(name, line, "", _("repeats line %(first)d (the same identifier)")
                                % {"first": rows[key]["_line"]})
                    continue
                rows[key] = row
        if info.get("count") != count:
            check.error(name, 0, "count", _("the manifest says %(m)s lines, the file has %(n)d")
                        % {"m": info.get("count"), "n": count})


def _check_rows(ctx: ImportContext, check: _Checker) -> None:
    for entity in ENTITIES:
        name = filename(entity)
        for row in ctx.rows[entity.name].values():
            bad = False
            for fld in entity.fields:
                if fld.type == REF and row[fld.name] is not None and not ctx.exists(fld.ref, row[fld.name]):
                    check.error(name, row["_line"], fld.name, _("%(v)s is not in %(file)s nor on this site")
                                % {"v": row[fld.name], "file": f"{fld.ref}.jsonl"})
                    bad = True
            if bad:
                continue
            for fld, reason in entity.check(row, ctx):
                check.error(name, row["_line"], fld, reason)


def _apply(ctx: ImportContext, result: ImportResult, check: _Checker) -> None:
    for entity in ENTITIES:
        counts = result.counts[entity.name]
        for row in ctx.rows[entity.name].values():
            try:
                with transaction.atomic():
                    outcome = entity.apply(row, ctx)
            except DatasetConflict as exc:
                check.error(filename(entity), row["_line"], exc.field, exc.reason)
                raise _Rollback from exc
            except (ValidationError, CorrectionError, DatabaseError, ValueError) as exc:
                reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                check.error(filename(entity), row["_line"], "", reason)
                raise _Rollback from exc
            counts[outcome] += 1
    linked = BY_NAME["attendance"].finish(ctx)
    counts = result.counts["attendance"]
    counts[UPDATED] += linked
    counts[UNCHANGED] -= linked


def import_dataset(source, *, dry_run: bool = False) -> ImportResult:
    """Check the dataset ZIP ``source`` (a path or a binary file) and, unless ``dry_run``, apply it."""
    result = ImportResult()
    check = _Checker(result)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        check.error("(zip)", 0, "", _("not a ZIP file"))
        return result
    with archive:
        limit = getattr(settings, "LMS_DATASET_MAX_BYTES", DEFAULT_MAX_BYTES)
        if sum(i.file_size for i in archive.infolist()) > limit:
            check.error("(zip)", 0, "", _("the ZIP unpacks to more than %(n)d MB") % {"n": limit // 1024**2})
            return result
        ctx = ImportContext(entities=dict(BY_NAME), refs=ReferenceMap())
        result.counts = {e.name: {"created": 0, "updated": 0, "unchanged": 0} for e in ENTITIES}
        try:
            manifest = _read_manifest(archive, check)
            if manifest is None or result.errors:
                return result
            result.manifest = manifest
            _read_rows(archive, manifest, ctx, check)
            if result.errors:
                return result
            _check_rows(ctx, check)
        except _TooMany:
            return result
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            check.error("(zip)", 0, "", _("the ZIP is damaged: %(e)s") % {"e": exc})
            return result
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            _apply(ctx, result, check)
    except (_Rollback, _TooMany):
        result.counts = {e.name: {"created": 0, "updated": 0, "unchanged": 0} for e in ENTITIES}
        return result
    result.applied = True
    return result


__all__ = ["PEOPLE", "DatasetError", "ImportResult", "import_dataset"]
