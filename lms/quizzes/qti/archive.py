"""Reading an uploaded QTI file: a single item (.xml) or an IMS content package (.zip).

The archive's directory is checked by lms.common.archives before any entry is read (entry count, declared
unpacked size, compression ratio, no absolute, `..` or backslash paths, no links or special files, no encryption,
no name twice; operating-system clutter left out), and entries are read while counting the bytes really
produced, so a forged header cannot unpack more than the caps. Only the manifest and the item files are read.
Without a manifest, every .xml file of the archive is a candidate.
"""

import io
import lzma
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from lms.common.archives import ZipMessages, ZipRules, inspect_zip, shown
from lms.common.importing import MAX_IMPORT_BYTES

from .problems import PackageError
from .safexml import XmlError, local, parse

MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 5 * 1024 * 1024  # one item or manifest
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # declared, all entries (images included, though never read)
MAX_READ_BYTES = 50 * 1024 * 1024  # really read, all XML files together
MAX_RATIO = 100  # unpacked / packed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
ITEM_TYPE = re.compile(r"^imsqti_(?:apip)?item_xmlv2p[12]$")
TEST_TYPE = re.compile(r"^imsqti_(?:apip)?test_xmlv2p[12]$")
OTHER_QTI_TYPE = re.compile(r"^imsqti_")


@dataclass
class Source:
    """An XML file to import as an item; `error` when it cannot even be read."""

    path: str
    data: bytes = b""
    error: str = ""
    listed: bool = True  # named by a manifest (or uploaded alone), so it must be an item


def read_sources(data: bytes, filename: str) -> list[Source]:
    """The item files of the upload, in package order; raises PackageError when the upload is refused."""
    if len(data) > MAX_IMPORT_BYTES:
        raise PackageError(_("The file is larger than 20 MB."))
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".xml":
        return [Source(path=shown(PurePosixPath(filename).name), data=data)]
    if suffix != ".zip":
        raise PackageError(_("Unsupported file type %(suffix)s: upload a QTI item (.xml) or a content package "
                             "(.zip).") % {"suffix": suffix or "-"})
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:
        raise PackageError(_("The file is not a readable ZIP archive.")) from exc
    with zf:
        files = _checked_entries(zf)
        reader = _Reader(zf, files)
        manifests = [p for p in files if p.rsplit("/", 1)[-1].lower() == "imsmanifest.xml"]
        if manifests:  # at the root, or in the one folder the package was zipped from
            return _from_manifest(reader, files, min(manifests, key=lambda p: p.count("/")))
        paths = [p for p in files if p.lower().endswith(".xml")]
        if not paths:
            raise PackageError(_("The archive contains neither imsmanifest.xml nor any .xml file."))
        return [Source(path=shown(p), data=reader.read(p), listed=False) for p in paths]


def _rules() -> ZipRules:
    messages = ZipMessages(
        too_many=_("The archive has more than %(n)d entries."),
        unsafe_name=_("The archive contains an unsafe file name: %(name)s"),
        absolute_path=_("The archive contains an absolute path: %(name)s"),
        outside=_("The archive contains a path outside its folder: %(name)s"),
        symlink=_("The archive contains a symbolic link: %(name)s"),
        special_file=_("The archive contains a special file: %(name)s"),
        encrypted=_("The archive contains an encrypted file: %(name)s"),
        duplicate=_("The archive contains the same file twice: %(name)s"),
        too_large=_("The archive unpacks to more than %(mb)d MB."),
        ratio=_("The archive entry %(name)s is compressed suspiciously well (a ZIP bomb?)."),
    )
    return ZipRules(messages=messages, error=PackageError, max_entries=MAX_ENTRIES, max_bytes=MAX_TOTAL_BYTES,
                    max_ratio=MAX_RATIO, ratio_floor=RATIO_FLOOR)


def _checked_entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    return {info.filename: info for info in inspect_zip(zf, _rules()).entries}


class _Reader:
    """Reads entries, counting the bytes really produced against the per-entry and total caps."""

    def __init__(self, zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo]):
        self.zf, self.files, self.read_total = zf, files, 0

    def read(self, path: str) -> bytes:
        info = self.files[path]
        if info.file_size > MAX_ENTRY_BYTES:
            raise PackageError(_("%(name)s is larger than %(mb)d MB.")
                               % {"name": shown(path), "mb": MAX_ENTRY_BYTES // (1024 * 1024)}, shown(path))
        out = bytearray()
        try:
            with self.zf.open(info) as src:
                while chunk := src.read(CHUNK):
                    out += chunk
                    self.read_total += len(chunk)
                    if len(out) > info.file_size or len(out) > MAX_ENTRY_BYTES:
                        raise PackageError(_("%(name)s unpacks to more than its declared size.")
                                           % {"name": shown(path)}, shown(path))
                    if self.read_total > MAX_READ_BYTES:
                        raise PackageError(_("The archive's XML files unpack to more than %(mb)d MB.")
                                           % {"mb": MAX_READ_BYTES // (1024 * 1024)})
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError, zlib.error, lzma.LZMAError) as exc:  # damaged or exotic entries
            raise PackageError(_("%(name)s cannot be unpacked.") % {"name": shown(path)}, shown(path)) from exc
        return bytes(out)

    def source(self, path: str) -> Source:
        return Source(path=shown(path), data=self.read(path))


def _resolve(base: str, href: str) -> str | None:
    """A package-relative path for href, or None when it leaves the package or is not a local file."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if path == ".." or path.startswith("../") or path.startswith("/") or "\\" in path:
        return None
    return path


def _base(element, inherited: str) -> str:
    xml_base = element.get("{http://www.w3.org/XML/1998/namespace}base") or ""
    if not xml_base:
        return inherited
    joined = _resolve(inherited, xml_base.rstrip("/") + "/x")
    return posixpath.dirname(joined) if joined is not None else "\0"  # "\0": every href below is refused


def _from_manifest(reader: _Reader, files: dict[str, zipfile.ZipInfo], manifest_path: str) -> list[Source]:
    try:
        manifest = parse(reader.read(manifest_path))
    except XmlError as exc:
        raise PackageError(str(exc), shown(manifest_path)) from exc
    if local(manifest) != "manifest":
        raise PackageError(_("imsmanifest.xml is not an IMS content package manifest."), shown(manifest_path))
    root = posixpath.dirname(manifest_path)
    sources: list[Source] = []
    listed: set[str] = set()

    def add(href: str, base: str, where: str):
        path = _resolve(base, href) if "\0" not in base else None
        if path is None:
            sources.append(Source(path=shown(href), error=_("%(where)s points outside the package: %(href)s")
                                  % {"where": where, "href": shown(href)}))
        elif path in listed:
            return
        elif path not in files:
            listed.add(path)
            sources.append(Source(path=shown(path), error=_("%(where)s lists a file the package does not "
                                                             "contain.") % {"where": where}))
        else:
            listed.add(path)
            sources.append(reader.source(path))

    for resources in (e for e in manifest if local(e) == "resources"):
        base = _base(resources, root)
        for resource in (e for e in resources if local(e) == "resource"):
            kind = (resource.get("type") or "").strip().lower()
            href = resource.get("href") or ""
            res_base = _base(resource, base)
            where = _("The manifest's resource %(id)s") % {"id": shown(resource.get("identifier") or "?")}
            if ITEM_TYPE.match(kind):
                if not href:
                    href = next((f.get("href") or "" for f in resource if local(f) == "file"), "")
                add(href, res_base, where)
            elif TEST_TYPE.match(kind):
                _add_test_items(reader, files, res_base, href, where, add)
            elif OTHER_QTI_TYPE.match(kind):
                sources.append(Source(path=shown(href or resource.get("identifier") or "?"),
                                      error=_("Resource type %(type)s is not QTI 2.1 or 2.2.") % {"type": kind}))
    if not sources:
        raise PackageError(_("The manifest lists no QTI 2.1/2.2 items."), shown(manifest_path))
    return sources


def _add_test_items(reader, files, base, href, where, add) -> None:
    """A test's items usually are resources of their own; a test that only references them brings them in."""
    path = _resolve(base, href) if href and "\0" not in base else None
    if path is None or path not in files:
        return  # tests are not imported themselves; their items count through the item resources
    try:
        test = parse(reader.read(path))
    except XmlError:
        return
    test_dir = posixpath.dirname(path)
    for ref in test.iter():
        if local(ref) == "assessmentItemRef" and ref.get("href"):
            add(ref.get("href"), test_dir, where)
