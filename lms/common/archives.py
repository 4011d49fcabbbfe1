"""Uploaded ZIP archives (H5P, SCORM and QTI packages): every entry checked from the archive's directory before a
byte is read, then unpacked into a temporary folder while the real bytes are counted.

Checked: entry names (no absolute paths, drive letters, `..`, empty parts, backslashes or control characters),
entry types (no symbolic links or special files, no encryption), the same name twice, the number of entries,
the declared unpacked total and, where a cap is given, each entry's compression ratio (zip bombs). While
unpacking, an entry that produces more than it declared stops the unpacking at once, so a forged header cannot
unpack more than the caps.

Each app keeps its own wording and error type: it passes its (already translated) messages in `ZipMessages`
and an `error` factory that turns a message into the exception it raises, so this module translates nothing.
"""

import hashlib
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 64 * 1024


def shown(name) -> str:
    """A file name (or any value) as it may appear in a message: printable and at most 120 characters."""
    name = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    return name if len(name) <= 120 else name[:117] + "..."


def mb(n: int) -> int:
    return max(1, n // (1024 * 1024))


def is_hidden_or_macosx(parts: list[str]) -> bool:
    """Operating-system clutter as H5P itself ignores it: __MACOSX folders and every hidden file or folder."""
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


@dataclass(frozen=True)
class ZipMessages:
    """An app's messages, translated; `%(name)s` is the entry's shown name, `%(n)d`, `%(mb)d` and `%(ratio)d`
    the cap, `%(error)s` the reason a damaged archive gave. Those a caller never triggers may stay empty."""

    too_many: str  # %(n)d
    unsafe_name: str  # %(name)s
    absolute_path: str  # %(name)s
    outside: str  # %(name)s
    symlink: str  # %(name)s
    special_file: str  # %(name)s
    encrypted: str  # %(name)s
    duplicate: str  # %(name)s
    too_large: str  # %(mb)d
    ratio: str = ""  # %(name)s, %(ratio)d
    upload_too_large: str = ""  # %(mb)d
    not_a_zip: str = ""
    damaged: str = ""  # %(error)s


@dataclass(frozen=True)
class ZipRules:
    """The caps and wording of one kind of package.

    `error(message, name)` builds the exception to raise; `name` is the shown entry name, or "" when the
    problem is the archive as a whole. `accept(name, parts)` may leave a file out (False) or refuse it by
    raising; `required` lists (file, message) pairs the archive must contain.
    """

    messages: ZipMessages
    error: Callable[[str, str], Exception]
    max_entries: int
    max_bytes: int
    max_ratio: int | None = None  # unpacked / packed, for entries above ratio_floor
    ratio_floor: int = 0
    clutter: Callable[[list[str]], bool] = is_hidden_or_macosx
    accept: Callable[[str, list[str]], bool] | None = None
    required: tuple[tuple[str, str], ...] = ()

    def refuse(self, message: str, name: str) -> Exception:
        """The error for a problem of one entry: `message` names it."""
        return self.error(message % {"name": shown(name)}, shown(name))


@dataclass
class Inspection:
    entries: list[zipfile.ZipInfo] = field(default_factory=list)  # the files to unpack, in archive order
    names: set[str] = field(default_factory=set)
    total_bytes: int = 0  # declared
    skipped: list[str] = field(default_factory=list)  # files `accept` left out


def _check_name(name: str, rules: ZipRules) -> list[str]:
    msg = rules.messages
    if "\x00" in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        raise rules.refuse(msg.unsafe_name, name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        raise rules.refuse(msg.absolute_path, name)
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise rules.refuse(msg.outside, name)
    return parts


def _check_type(info: zipfile.ZipInfo, rules: ZipRules) -> None:
    msg = rules.messages
    file_type = stat.S_IFMT(info.external_attr >> 16)  # Unix file type, 0 when not recorded
    if file_type == stat.S_IFLNK:
        raise rules.refuse(msg.symlink, info.filename)
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise rules.refuse(msg.special_file, info.filename)
    if info.flag_bits & 0x1:
        raise rules.refuse(msg.encrypted, info.filename)


def inspect_zip(zf: zipfile.ZipFile, rules: ZipRules) -> Inspection:
    """Check every entry of the archive's directory; raise the rules' error on the first problem."""
    msg = rules.messages
    infos = zf.infolist()
    if len(infos) > rules.max_entries:
        raise rules.error(msg.too_many % {"n": rules.max_entries}, "")
    result = Inspection()
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = _check_name(name, rules)
        _check_type(info, rules)
        if info.is_dir() or rules.clutter(parts):
            continue
        key = name.casefold()
        if key in seen:
            raise rules.refuse(msg.duplicate, name)
        seen.add(key)
        if rules.accept is not None and not rules.accept(name, parts):
            result.skipped.append(name)
            continue
        if rules.max_ratio is not None and info.file_size > rules.ratio_floor \
                and info.file_size > rules.max_ratio * max(info.compress_size, 1):
            raise rules.error(msg.ratio % {"name": shown(name), "ratio": rules.max_ratio}, shown(name))
        result.total_bytes += info.file_size
        if result.total_bytes > rules.max_bytes:
            raise rules.error(msg.too_large % {"mb": mb(rules.max_bytes)}, "")
        result.entries.append(info)
        result.names.add(name)
    for required, message in rules.required:
        if required not in result.names:
            raise rules.error(message, "")
    return result


DAMAGED = (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError, OSError)


def _copy(src, out, declared: int, written: int, cap: int) -> int | None:
    """Copy one entry; the new running total, or None as soon as the entry produces more than it declared or
    the total passes the cap."""
    own = 0
    while chunk := src.read(CHUNK):
        own += len(chunk)
        written += len(chunk)
        if own > declared or written > cap:
            return None
        out.write(chunk)
    return written


def unpack(zf: zipfile.ZipFile, inspection: Inspection, target: Path, rules: ZipRules) -> int:
    """Write the checked entries below target, counting the bytes really produced; returns their total. A
    damaged entry or an unsupported compression is refused with the `damaged` message."""
    root = target.resolve()
    written = 0
    for info in inspection.entries:
        dest = (root / info.filename).resolve()
        if root not in dest.parents:
            raise rules.refuse(rules.messages.outside, info.filename)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as out:
                total = _copy(src, out, info.file_size, written, rules.max_bytes)
        except DAMAGED as exc:
            raise rules.error(rules.messages.damaged % {"error": shown(exc)}, "") from exc
        if total is None:
            raise rules.error(rules.messages.too_large % {"mb": mb(rules.max_bytes)}, "")
        written = total
    return written


@dataclass
class Unpacked:
    root: Path  # the temporary folder, removed when the block ends
    inspection: Inspection
    total_bytes: int  # really unpacked
    sha256: str  # of the upload


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@contextmanager
def unpacked_upload(upload, rules: ZipRules, *, max_upload: int, prefix: str) -> Iterator[Unpacked]:
    """Check an uploaded archive and unpack it into a temporary folder (removed afterwards); raise the rules'
    error when it is refused. The upload is rewound afterwards."""
    msg = rules.messages
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload:
        raise rules.error(msg.upload_too_large % {"mb": mb(max_upload)}, "")
    sha256 = sha256_of(upload)
    try:
        zf = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise rules.error(msg.not_a_zip, "") from exc
    with zf, tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        inspection = inspect_zip(zf, rules)
        total = unpack(zf, inspection, Path(tmp), rules)
        yield Unpacked(Path(tmp), inspection, total, sha256)
    upload.seek(0)
