import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from lms.quizzes.h5p.package import H5PError, import_package
from lms.quizzes.models import H5PPackage
from tests.factories import MemberFactory
from tests.quizzes.factories import build_h5p, raw_zip

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "h5p"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def trainer_api():
    client = APIClient()
    client.force_authenticate(MemberFactory(roles=["member", "trainer"]).user)
    return client


def _post(client, data: bytes, name="content.h5p", language="en"):
    return client.post("/api/v1/h5p/", {"file": SimpleUploadedFile(name, data)}, format="multipart",
                       HTTP_ACCEPT_LANGUAGE=language)


def test_a_valid_package_is_unpacked_and_described(trainer_api):
    before = len(_stored_files())
    response = _post(trainer_api, build_h5p())
    assert response.status_code == 201, response.content
    body = response.json()
    package = H5PPackage.objects.get(pk=body["id"])
    assert body == {"id": package.pk, "title": "党章知识互动题", "main_library": "H5P.LmsFixtureQuestion 1.0"}
    root = Path(settings.MEDIA_ROOT) / package.storage_dir
    assert json_title(root) == "党章知识互动题"
    assert (root / "content" / "content.json").is_file()
    assert (root / "H5P.LmsFixtureQuestion-1.0" / "question.js").is_file()
    assert package.file_count == 5 and len(_stored_files()) == before + 5


def json_title(root: Path) -> str:
    import json

    return json.loads((root / "h5p.json").read_text())["title"]


def test_only_trainers_upload(member_api):
    response = _post(member_api, build_h5p())
    assert response.status_code == 403
    assert not H5PPackage.objects.exists()


def _symlink(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def _zip_bomb() -> bytes:
    # 8 MB of zeros compresses to a few KB; the limit below is 2 MB.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("h5p.json", "content/content.json"):
            zf.writestr(name, "{}")
        zf.writestr("content/images/bomb.png", b"\0" * (8 * 1024 * 1024))
    return buffer.getvalue()


def _many_files() -> bytes:
    return build_h5p(extra={f"content/images/{i}.png": b"x" for i in range(30)})


MALICIOUS = {
    "zip slip": (lambda: build_h5p(extra={"../../evil.js": b"alert(1)"}), "outside its folder"),
    "zip slip inside": (lambda: build_h5p(extra={"content/../../x.json": b"{}"}), "outside its folder"),
    "absolute path": (lambda: build_h5p(extra={"/etc/cron.d/evil.txt": b"x"}), "absolute path"),
    "windows path": (lambda: build_h5p(extra={"content\\..\\..\\evil.json": b"{}"}), "unsafe file name"),
    "symlink": (lambda: raw_zip([("h5p.json", b"{}"), _symlink("content/content.json", b"/etc/passwd")]),
                "symbolic link"),
    "zip bomb": (_zip_bomb, "unpacks to more than"),
    "too many files": (_many_files, "more than 20 files"),
    "php file": (lambda: build_h5p(extra={"content/shell.php": b"<?php system($_GET[1]);"}), "not allowed"),
    "html file": (lambda: build_h5p(extra={"content/page.html": b"<script>"}), "not allowed"),
    "script in content": (lambda: build_h5p(extra={"content/evil.js": b"alert(1)"}), "not allowed"),
    "no extension": (lambda: build_h5p(extra={"content/LICENSE": b"MIT"}), "not allowed"),
    "no h5p.json": (lambda: build_h5p(drop={"h5p.json"}), "h5p.json is missing"),
    "no content.json": (lambda: build_h5p(drop={"content/content.json"}), "content/content.json is missing"),
    "library missing": (lambda: build_h5p(drop={"H5P.LmsFixtureQuestion-1.0/library.json"}),
                        "does not contain the library"),
    "broken json": (lambda: build_h5p(replace={"h5p.json": b"{not json"}), "not valid JSON"),
    "not a zip": (lambda: b"%PDF-1.4 this is not a zip", "not a valid H5P"),
}


@pytest.mark.parametrize("case", sorted(MALICIOUS))
def test_malicious_or_broken_packages_are_refused_leaving_nothing(case, trainer_api, settings):
    settings.H5P_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    settings.H5P_MAX_FILES = 20
    make, reason = MALICIOUS[case]
    before = sorted(_stored_files())
    response = _post(trainer_api, make())
    assert response.status_code == 400, response.content
    assert reason in response.json()["error"]
    assert not H5PPackage.objects.exists()
    assert sorted(_stored_files()) == before


def test_errors_are_in_chinese_by_default(trainer_api):
    response = _post(trainer_api, build_h5p(extra={"../../evil.js": b"1"}), language="zh-hans")
    assert response.status_code == 400
    assert response.json()["error"] == "包中含有指向包外的路径：../../evil.js"
    wrong_name = _post(trainer_api, build_h5p(), name="content.zip", language="zh-hans")
    assert wrong_name.json()["error"] == "请上传 .h5p 文件。"


def test_a_failure_while_storing_removes_what_was_written(monkeypatch):
    from lms.quizzes.h5p import package as package_module

    calls = {"n": 0}
    real_save = package_module.default_storage.save

    def flaky_save(name, content, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(package_module.default_storage, "save", flaky_save)
    before = sorted(_stored_files())
    with pytest.raises(OSError):
        import_package(io.BytesIO(build_h5p()), filename="x.h5p")
    assert sorted(_stored_files()) == before
    assert not H5PPackage.objects.exists()


def test_a_library_that_lists_a_missing_file_is_refused():
    library = Path(__file__).parent / "h5p_fixture" / "H5P.LmsFixtureQuestion-1.0" / "library.json"
    broken = library.read_text().replace("question.css", "missing.css")
    data = build_h5p(replace={"H5P.LmsFixtureQuestion-1.0/library.json": broken.encode()})
    with pytest.raises(H5PError, match="missing.css"):
        import_package(io.BytesIO(data), filename="x.h5p")


def test_deleting_a_package_removes_its_files(django_capture_on_commit_callbacks):
    package = import_package(io.BytesIO(build_h5p()), filename="x.h5p")
    root = Path(settings.MEDIA_ROOT) / package.storage_dir
    assert root.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        package.delete()
    assert not root.exists()


LIB = "H5P.LmsFixtureQuestion-1.0"
LIBRARY_JSON = (Path(__file__).parent / "h5p_fixture" / LIB / "library.json").read_text()


@pytest.mark.parametrize("name", [f"{LIB}/flash/player.swf", f"{LIB}/page.html", f"{LIB}/LICENSE"])
def test_library_files_of_other_types_are_left_out_not_refused(trainer_api, name):
    """H5P's official exports bundle old Flash fallbacks in libraries: the reference validator accepts the
    package and drops those files; so do we, and they are never stored nor served."""
    response = _post(trainer_api, build_h5p(extra={name: b"not allowed here"}))
    assert response.status_code == 201, response.content
    package = H5PPackage.objects.get(pk=response.json()["id"])
    root = Path(settings.MEDIA_ROOT) / package.storage_dir
    assert not (root / name).exists() and package.file_count == 5
    from django.test import Client

    web = Client()
    web.force_login(MemberFactory().user)
    assert web.get(f"/h5p/{package.pk}/content/{name}").status_code == 404


LIBRARY_CASES = {
    "folder without version": (
        lambda: build_h5p(drop={f"{LIB}/{f}" for f in ("library.json", "question.js", "question.css")}, extra={
            f"H5P.LmsFixtureQuestion/{f}": (Path(__file__).parent / "h5p_fixture" / LIB / f).read_bytes()
            for f in ("library.json", "question.js", "question.css")}),
        "does not contain the library"),
    "folder named for another version": (
        lambda: build_h5p(extra={"H5P.Other-2.0/library.json": LIBRARY_JSON.encode()}), "must be named"),
    "library.json not json": (lambda: build_h5p(replace={f"{LIB}/library.json": b"{oops"}), "not valid JSON"),
    "library.json without title": (
        lambda: build_h5p(replace={f"{LIB}/library.json": LIBRARY_JSON.replace('"title"', '"name"').encode()}),
        "needs a title"),
    "bad patch version": (
        lambda: build_h5p(replace={f"{LIB}/library.json": LIBRARY_JSON.replace(
            '"patchVersion": 0', '"patchVersion": "x"').encode()}), "patchVersion"),
    "core api too new": (
        lambda: build_h5p(replace={f"{LIB}/library.json": LIBRARY_JSON.replace(
            '"coreApi": {"majorVersion": 1, "minorVersion": 24}',
            '"coreApi": {"majorVersion": 1, "minorVersion": 99}').encode()}), "needs H5P core 1.99"),
    "language file not json": (lambda: build_h5p(extra={f"{LIB}/language/zh.json": b"[broken"}), "not valid JSON"),
    "unused library broken": (lambda: build_h5p(extra={"H5P.Unused-1.0/library.json": b"{}"}), "needs a title"),
}


@pytest.mark.parametrize("case", sorted(LIBRARY_CASES))
def test_libraries_are_checked_as_the_reference_validator_does(case, trainer_api):
    make, reason = LIBRARY_CASES[case]
    before = sorted(_stored_files())
    response = _post(trainer_api, make())
    assert response.status_code == 400, response.content
    assert reason in response.json()["error"]
    assert not H5PPackage.objects.exists() and sorted(_stored_files()) == before
