"""A checked, unpacked folder copied into the default storage (filesystem or remote), and removed again.

Packages (H5P, SCORM) are stored as folders under a fresh name; `stored_folder` removes what it wrote when
anything fails before its block ends, so a refused or failed upload leaves nothing in storage.
"""

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage


def delete_stored(storage_dir: str, storage: Storage = default_storage) -> None:
    """Remove a stored folder with everything below it; a missing folder is no error."""
    if not storage_dir or ".." in storage_dir.split("/"):
        return
    try:
        local = storage.path(storage_dir)
    except NotImplementedError:
        local = None
    if local is not None:
        shutil.rmtree(local, ignore_errors=True)
        return

    def walk(prefix):
        try:
            dirs, files = storage.listdir(prefix)
        except FileNotFoundError:
            return
        for name in files:
            storage.delete(f"{prefix}/{name}")
        for name in dirs:
            walk(f"{prefix}/{name}")

    walk(storage_dir)


def store_folder(root: Path, storage_dir: str, *, not_stored: Callable[[str], Exception],
                 storage: Storage = default_storage) -> int:
    """Copy every file below root to storage_dir; returns how many. A file the storage saves under another
    name (it existed already) raises `not_stored(relative path)`."""
    count = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        name = f"{storage_dir}/{rel}"
        with open(path, "rb") as fh:
            saved = storage.save(name, File(fh, name=path.name))
        if saved != name:
            raise not_stored(rel)
        count += 1
    return count


@dataclass
class StoredFolder:
    storage_dir: str
    file_count: int


@contextmanager
def stored_folder(root: Path, base_dir: str, *, not_stored: Callable[[str], Exception],
                  storage: Storage = default_storage) -> Iterator[StoredFolder]:
    """Store root under a fresh folder of base_dir for the block (which records it, e.g. in the database);
    when storing or the block fails, what was written is removed and the error raised again."""
    storage_dir = f"{base_dir}/{uuid.uuid4().hex}"
    try:
        yield StoredFolder(storage_dir, store_folder(root, storage_dir, not_stored=not_stored, storage=storage))
    except BaseException:
        delete_stored(storage_dir, storage)
        raise
