import io
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, InMemoryStorage

from lms.common.archives import ZipMessages, ZipRules, inspect_zip, unpack, unpacked_upload
from lms.common.stored_folders import delete_stored, store_folder, stored_folder


class Refused(ValueError):
    def __init__(self, message, name):
        super().__init__(message)
        self.name = name


MESSAGES = ZipMessages(
    too_many="more than %(n)d", unsafe_name="unsafe %(name)s", absolute_path="absolute %(name)s",
    outside="outside %(name)s", symlink="link %(name)s", special_file="special %(name)s",
    encrypted="encrypted %(name)s", duplicate="twice %(name)s", too_large="over %(mb)d MB",
    ratio="ratio %(name)s %(ratio)d", upload_too_large="upload over %(mb)d MB", not_a_zip="not a zip",
    damaged="damaged: %(error)s",
)
RULES = ZipRules(messages=MESSAGES, error=Refused, max_entries=10, max_bytes=3 * 1024 * 1024, max_ratio=100,
                 ratio_floor=1024 * 1024)


def _zip(*entries) -> zipfile.ZipFile:
    """entries: (name or ZipInfo, bytes); deflated, so zeros compress well."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _refusal(zf, rules=RULES) -> tuple[str, str]:
    with pytest.raises(Refused) as info:
        inspect_zip(zf, rules)
    return str(info.value), info.value.name


def _symlink(name: str):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, b"/etc/passwd"


def test_a_clean_archive_lists_its_files_and_declared_size():
    zf = _zip(("index.html", b"<p>1</p>"), ("img/", b""), ("img/a.png", b"png"))
    result = inspect_zip(zf, RULES)
    assert [i.filename for i in result.entries] == ["index.html", "img/a.png"]
    assert result.names == {"index.html", "img/a.png"} and result.total_bytes == 11


@pytest.mark.parametrize(("name", "expected"), [
    ("../evil.js", "outside ../evil.js"),
    ("a/../../evil.js", "outside a/../../evil.js"),
    ("a//b.js", "outside a//b.js"),
    ("./a.js", "outside ./a.js"),
    ("/etc/cron.d/x", "absolute /etc/cron.d/x"),
    ("C:/Windows/x.dll", "absolute C:/Windows/x.dll"),
    ("a\\..\\..\\x", "unsafe a\\..\\..\\x"),
    ("a\x01b", "unsafe a?b"),
])
def test_paths_leaving_the_folder_are_refused_naming_the_entry(name, expected):
    assert _refusal(_zip(("ok.txt", b"x"), (name, b"x"))) == (expected, expected.split(" ", 1)[1])


def test_symbolic_links_special_files_and_encryption_are_refused():
    assert _refusal(_zip(_symlink("a/link"))) == ("link a/link", "a/link")
    fifo = zipfile.ZipInfo("pipe")
    fifo.create_system = 3
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    assert _refusal(_zip((fifo, b"")))[0] == "special pipe"
    zf = _zip(("secret.txt", b"x"))
    zf.getinfo("secret.txt").flag_bits |= 0x1
    assert _refusal(zf)[0] == "encrypted secret.txt"


def test_a_ratio_bomb_is_refused_before_anything_is_read():
    zf = _zip(("bomb.bin", b"\0" * (2 * 1024 * 1024)))
    assert _refusal(zf) == ("ratio bomb.bin 100", "bomb.bin")
    # without a ratio cap only the declared total counts
    assert inspect_zip(zf, replace(RULES, max_ratio=None)).total_bytes == 2 * 1024 * 1024


def test_small_files_that_compress_well_are_allowed():
    assert inspect_zip(_zip(("text.txt", b" " * (1024 * 1024))), RULES).total_bytes == 1024 * 1024


def test_the_declared_total_is_capped():
    rules = replace(RULES, max_ratio=None, max_bytes=1024 * 1024)
    assert _refusal(_zip(("a", b"\0" * 600_000), ("b", b"\0" * 600_000)), rules) == ("over 1 MB", "")


def test_too_many_entries_are_refused():
    zf = _zip(*((f"f{n}.txt", b"x") for n in range(11)))
    assert _refusal(zf) == ("more than 10", "")


def test_the_same_name_twice_is_refused_whatever_its_case():
    assert _refusal(_zip(("Index.html", b"1"), ("index.HTML", b"2"))) == ("twice index.HTML", "index.HTML")


def test_clutter_is_left_out_and_may_be_redefined():
    zf = _zip(("__MACOSX/._a", b"x"), (".git/config", b"x"), ("a/.hidden", b"x"), ("a/b.txt", b"x"))
    assert [i.filename for i in inspect_zip(zf, RULES).entries] == ["a/b.txt"]
    only_macosx = replace(RULES, clutter=lambda parts: parts[0] == "__MACOSX")
    assert [i.filename for i in inspect_zip(zf, only_macosx).entries] == [".git/config", "a/.hidden", "a/b.txt"]


def test_accept_leaves_files_out_and_required_files_must_be_there():
    rules = replace(RULES, accept=lambda name, parts: not name.endswith(".swf"),
                    required=(("main.json", "no main.json"),))
    result = inspect_zip(_zip(("main.json", b"{}"), ("old.swf", b"x")), rules)
    assert [i.filename for i in result.entries] == ["main.json"] and result.skipped == ["old.swf"]
    assert _refusal(_zip(("other.json", b"{}")), rules) == ("no main.json", "")


def test_unpacking_counts_the_real_bytes(tmp_path):
    zf = _zip(("a/b.txt", b"hello"), ("c.txt", b"x" * 1000))
    inspection = inspect_zip(zf, RULES)
    assert unpack(zf, inspection, tmp_path, RULES) == 1005
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"hello"
    # an entry producing more than the cap (as a forged directory would let it) stops the unpacking
    with pytest.raises(Refused, match="^over 1 MB$"):
        unpack(zf, inspection, tmp_path / "small", replace(RULES, max_bytes=500))


def test_an_upload_is_unpacked_into_a_temporary_folder_that_goes_away():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("index.html", b"<p>1</p>")
    with unpacked_upload(buffer, RULES, max_upload=1024, prefix="test-") as done:
        root = done.root
        assert (root / "index.html").read_bytes() == b"<p>1</p>"
        assert done.total_bytes == 8 and len(done.sha256) == 64
    assert not root.exists() and buffer.tell() == 0


def test_uploads_that_are_too_large_not_zips_or_damaged_are_refused():
    with pytest.raises(Refused, match="^not a zip$"), unpacked_upload(io.BytesIO(b"%PDF"), RULES, max_upload=10,
                                                                      prefix="t-"):
        pass
    big = io.BytesIO(b"x")
    big.size = 2 * 1024 * 1024
    with pytest.raises(Refused, match="^upload over 1 MB$"), unpacked_upload(big, RULES, max_upload=1024 * 1024,
                                                                             prefix="t-"):
        pass
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"A" * 100)
    damaged = io.BytesIO(buffer.getvalue().replace(b"A" * 100, b"B" * 100))  # the CRC no longer matches
    with pytest.raises(Refused, match="^damaged: "), unpacked_upload(damaged, RULES, max_upload=10_000,
                                                                     prefix="t-"):
        pass


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "unpacked"
    (root / "sub").mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_bytes(b"<p>1</p>")
    (root / "sub" / "a.js").write_bytes(b"1;")
    return root


def _listed(storage, prefix: str) -> list[str]:
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    return sorted([f"{prefix}/{f}" for f in files] + [n for d in dirs for n in _listed(storage, f"{prefix}/{d}")])


def _not_stored(rel):
    return Refused(rel, rel)


class RemoteStorage:
    """Without local paths, as S3 and the like: deleting walks the folder."""

    def __init__(self):
        self.inner = InMemoryStorage()

    def path(self, name):
        raise NotImplementedError

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.mark.parametrize("kind", ["filesystem", "remote"])
def test_a_folder_is_stored_and_deleted(tmp_path, kind):
    storage = FileSystemStorage(location=tmp_path / "media") if kind == "filesystem" else RemoteStorage()
    assert store_folder(_folder(tmp_path), "pkg/1", not_stored=_not_stored, storage=storage) == 2
    assert _listed(storage, "pkg/1") == ["pkg/1/index.html", "pkg/1/sub/a.js"]
    assert storage.open("pkg/1/sub/a.js").read() == b"1;"
    store_folder(_folder(tmp_path), "pkg/2", not_stored=_not_stored, storage=storage)
    delete_stored("pkg/1", storage)
    assert _listed(storage, "pkg/1") == [] and _listed(storage, "pkg/2") == ["pkg/2/index.html", "pkg/2/sub/a.js"]
    delete_stored("pkg/missing", storage)  # nothing there is no error
    delete_stored("pkg/1/../2", storage)  # nor a way out of the folder named
    delete_stored("", storage)
    assert _listed(storage, "pkg/2") == ["pkg/2/index.html", "pkg/2/sub/a.js"]


def test_a_file_saved_under_another_name_is_refused(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    (tmp_path / "media" / "pkg" / "1").mkdir(parents=True)
    (tmp_path / "media" / "pkg" / "1" / "index.html").write_bytes(b"already here")
    with pytest.raises(Refused, match="^index.html$"):
        store_folder(_folder(tmp_path), "pkg/1", not_stored=_not_stored, storage=storage)


def test_stored_folder_removes_what_it_wrote_when_the_block_fails(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    with stored_folder(_folder(tmp_path), "pkg", not_stored=ValueError, storage=storage) as kept:
        assert kept.file_count == 2 and kept.storage_dir.startswith("pkg/")
    assert _listed(storage, kept.storage_dir) == [f"{kept.storage_dir}/index.html", f"{kept.storage_dir}/sub/a.js"]
    with pytest.raises(RuntimeError), stored_folder(_folder(tmp_path), "pkg", not_stored=ValueError,
                                                    storage=storage) as failed:
        assert (tmp_path / "media" / failed.storage_dir / "index.html").is_file()
        raise RuntimeError("the database said no")
    assert _listed(storage, "pkg") == [f"{kept.storage_dir}/index.html", f"{kept.storage_dir}/sub/a.js"]
