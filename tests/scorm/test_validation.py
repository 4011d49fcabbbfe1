"""Uploaded SCORM packages are checked completely before anything is stored; each problem has its own message
in Chinese, and a refused package leaves no file and no row."""

import io
import stat
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from lms.scorm.models import ScormItem, ScormPackage
from lms.scorm.package.errors import ScormError
from lms.scorm.package.store import import_package
from tests.scorm import packages

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "scorm"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _import(data: bytes, name="course.zip", **kwargs):
    return import_package(io.BytesIO(data), filename=name, **kwargs)


def test_a_scorm12_package_is_unpacked_and_described():
    before = len(_stored_files())
    package = _import(packages.scorm12(mastery=80))
    assert (package.title, package.version, package.identifier) == ("党章学习（SCORM 1.2）", "1.2", "lms.test.scorm12")
    assert package.file_count == 2 and len(_stored_files()) == before + 2
    root = Path(settings.MEDIA_ROOT) / package.storage_dir
    assert (root / "imsmanifest.xml").is_file() and (root / "index.html").is_file()
    [item] = package.items.all()
    assert (item.title, item.launch, item.is_sco, item.mastery_score) == ("党章学习单元", "index.html", True,
                                                                           Decimal("80"))


def test_a_scorm2004_4th_package_follows_the_organization():
    package = _import(packages.scorm2004(), title="自定标题")
    assert (package.title, package.version, package.is_2004) == ("自定标题", "2004-4", True)
    rows = list(package.items.values_list("title", "depth", "launch", "is_sco", "scaled_passing_score"))
    assert rows == [
        ("第一单元", 0, "", False, None),
        ("理论学习", 1, "one/index.html?part=1", True, Decimal("0.6000")),
        ("案例分析", 1, "two/index.html", True, None),
    ]


def test_the_3rd_edition_is_told_apart():
    assert _import(packages.scorm2004(edition="2004 3rd Edition")).version == "2004-3"


def test_xml_base_and_parameters_make_the_launch_address():
    files = packages.files_12(href="index.html?lang=zh")
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        '<item identifier="item-1" identifierref="sco-1" isvisible="true">',
        '<item identifier="item-1" identifierref="sco-1" parameters="mode=review">')
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        '<resources>', '<resources xml:base="content/">')
    files["content/index.html"] = files.pop("index.html")
    package = _import(packages.zip_bytes(files))
    assert package.items.get().launch == "content/index.html?lang=zh&mode=review"


def _refused(data: bytes, message: str, name="course.zip"):
    before = len(_stored_files())
    with pytest.raises(ScormError) as info:
        _import(data, name=name)
    assert message in str(info.value)
    assert not ScormPackage.objects.exists() and not ScormItem.objects.exists()
    assert len(_stored_files()) == before
    return str(info.value)


def test_not_a_zip():
    _refused(b"this is not a zip", "不是有效的 ZIP")


def test_the_file_must_be_a_zip_by_name():
    _refused(packages.scorm12(), ".zip", name="course.h5p")


def test_no_manifest():
    files = packages.files_12()
    del files["imsmanifest.xml"]
    _refused(packages.zip_bytes(files), "imsmanifest.xml")


def test_a_manifest_in_a_subfolder_is_not_at_the_root():
    files = {f"course/{name}": data for name, data in packages.files_12().items()}
    _refused(packages.zip_bytes(files), "imsmanifest.xml")


@pytest.mark.parametrize("name", ["../evil.html", "a/../../evil.html", "/etc/evil.html", "C:/evil.html",
                                  "a\\..\\evil.html"])
def test_paths_outside_the_package(name):
    files = packages.files_12()
    files[name] = "x"
    message = _refused(packages.zip_bytes(files), "")
    assert any(word in message for word in ("路径", "文件名"))


def test_symbolic_links_are_refused():
    info = zipfile.ZipInfo("link.html")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries = list(packages.files_12().items()) + [(info, "/etc/passwd")]
    _refused(packages.raw_zip(entries), "符号链接")


def test_bad_xml():
    files = packages.files_12()
    files["imsmanifest.xml"] = "<manifest><organizations>"
    _refused(packages.zip_bytes(files), "XML")


def test_entities_are_refused():
    files = packages.files_12()
    files["imsmanifest.xml"] = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                "<manifest>&x;</manifest>")
    _refused(packages.zip_bytes(files), "XML")


def test_missing_launch_file():
    files = packages.files_12()
    del files["index.html"]
    _refused(packages.zip_bytes(files), "index.html")


def test_a_launch_file_on_another_server():
    _refused(packages.scorm12(href="https://example.com/sco.html"), "外部")


def test_an_organization_without_a_sco():
    files = packages.files_12()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace('adlcp:scormtype="sco"', 'adlcp:scormtype="asset"')
    _refused(packages.zip_bytes(files), "SCO")


def test_no_organization():
    files = packages.files_12()
    manifest = files["imsmanifest.xml"]
    start, end = manifest.index("<organizations"), manifest.index("</organizations>") + len("</organizations>")
    files["imsmanifest.xml"] = manifest[:start] + "<organizations/>" + manifest[end:]
    _refused(packages.zip_bytes(files), "organization")


def test_an_item_pointing_at_a_missing_resource():
    files = packages.files_12()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace('identifierref="sco-1"', 'identifierref="nope"')
    _refused(packages.zip_bytes(files), "nope")


def test_a_launch_address_too_long_to_keep():
    files = packages.files_12()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        'isvisible="true"', f'parameters="?{"x" * 1000}"')
    _refused(packages.zip_bytes(files), "1000")


def test_no_version():
    files = packages.files_12()
    files["imsmanifest.xml"] = (files["imsmanifest.xml"].replace("<schemaversion>1.2</schemaversion>", "")
                                .replace("http://www.adlnet.org/xsd/adlcp_rootv1p2", "urn:x")
                                .replace("imscp_rootv1p1p2", "imscp_other"))
    _refused(packages.zip_bytes(files), "版本")


def test_a_zip_bomb_by_ratio():
    files = packages.files_12()
    files["padding.txt"] = b"\0" * (8 * 1024 * 1024)
    _refused(packages.zip_bytes(files), "压缩")


def test_too_large_unpacked(settings):
    settings.SCORM_MAX_UNPACKED_BYTES = 1000
    files = packages.files_12()
    files["big.bin"] = bytes(range(256)) * 8
    _refused(packages.zip_bytes(files), "MB")


def test_too_many_files(settings):
    settings.SCORM_MAX_FILES = 2
    files = packages.files_12()
    files["more.css"] = "p{}"
    _refused(packages.zip_bytes(files), "2")


def test_encrypted_entries_are_refused():
    data = bytearray(packages.scorm12())
    # Set the "encrypted" flag of every entry in the central directory (the flag the reader checks).
    position = data.find(b"PK\x01\x02")
    while position != -1:
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    _refused(bytes(data), "加密")


def test_os_clutter_is_left_out():
    files = packages.files_12()
    files["__MACOSX/._index.html"] = "x"
    files[".DS_Store"] = "x"
    package = _import(packages.zip_bytes(files))
    assert package.file_count == 2
