"""The whole ZIP is checked before anything is written: one bad line, a changed file, a wrong manifest or version,
and nothing changes; every problem names its file, line and field."""

import hashlib
import io
import json
import zipfile

import pytest

from lms.dataset import services as dataset
from lms.org.models import Member
from lms.records.models import StudyHourEntry

from .conftest import export_zip, wipe


def rewrite(data: bytes, name: str, change, *, fix_manifest: bool = True) -> bytes:
    """The dataset with file ``name`` passed through ``change`` (lines → lines), the manifest kept in step."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {n: source.read(n) for n in source.namelist()}
    lines = [json.loads(line) for line in files[name].decode().splitlines()]
    lines = change(lines)
    files[name] = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    if fix_manifest:
        manifest = json.loads(files["manifest.json"])
        manifest["files"][name].update(count=len(lines), sha256=hashlib.sha256(files[name]).hexdigest())
        files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n, content in files.items():
            target.writestr(n, content)
    return out.getvalue()


def with_manifest(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {n: source.read(n) for n in source.namelist()}
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n, content in files.items():
            target.writestr(n, content)
    return out.getvalue()


@pytest.fixture
def exported(site):
    data = export_zip()
    wipe()
    return data


def test_one_bad_line_changes_nothing_and_names_file_line_and_field(exported):
    def break_last_member(rows):
        rows[-1]["joined_on"] = "2010-13-45"
        return rows

    result = dataset.import_dataset(io.BytesIO(rewrite(exported, "members.jsonl", break_last_member)))
    assert not result.applied
    assert [(e.file, e.line, e.field) for e in result.errors] == [("members.jsonl", 5, "joined_on")]
    assert "YYYY-MM-DD" in result.errors[0].reason
    assert not Member.objects.exists() and not StudyHourEntry.objects.exists()


def test_every_problem_is_listed_not_only_the_first(exported):
    def spoil(rows):
        rows[0]["hours"] = 2.5  # a number, not the decimal text of the standard
        rows[1]["source"] = "gift"
        rows[2]["date"] = "yesterday"
        return rows

    result = dataset.import_dataset(io.BytesIO(rewrite(exported, "ledger_entries.jsonl", spoil)))
    found = {(e.line, e.field) for e in result.errors if e.file == "ledger_entries.jsonl"}
    assert {(1, "hours"), (2, "source"), (3, "date")} <= found
    assert not StudyHourEntry.objects.exists()


def test_a_problem_found_while_applying_rolls_everything_back(site):
    # The site already holds this credit with other hours: the append-only ledger refuses, nothing is written.
    def more_hours(rows):
        for row in rows:
            if row["reference"] == "hr:2026-01":
                row["hours"] = "9"
        return rows

    data = rewrite(export_zip(), "ledger_entries.jsonl", more_hours)
    Member.objects.filter(employee_no="M0001").update(name="改名")
    result = dataset.import_dataset(io.BytesIO(data))
    assert [(e.file, e.field) for e in result.errors] == [("ledger_entries.jsonl", "hours")]
    assert Member.objects.get(employee_no="M0001").name == "改名"


def test_a_changed_file_fails_its_checksum(exported):
    data = rewrite(exported, "org_units.jsonl", lambda rows: rows, fix_manifest=False)
    data = rewrite(data, "members.jsonl", lambda rows: rows[:-1], fix_manifest=False)
    result = dataset.import_dataset(io.BytesIO(data))
    assert ("members.jsonl", "sha256") in {(e.file, e.field) for e in result.errors}
    assert not Member.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    (lambda m: m.update(standard_version="2.0"), "standard_version"),
    (lambda m: m.update(format="something-else"), "format"),
    (lambda m: m["files"]["members.jsonl"].update(count=99), "count"),
    (lambda m: m["files"].pop("members.jsonl"), ""),
])
def test_the_manifest_is_checked(exported, change, field):
    result = dataset.import_dataset(io.BytesIO(with_manifest(exported, change)))
    assert result.errors and result.errors[0].field == field, result.errors
    assert not Member.objects.exists()


def test_a_newer_minor_version_is_read(exported):
    result = dataset.import_dataset(io.BytesIO(with_manifest(exported, lambda m: m.update(standard_version="1.7"))))
    assert result.errors == []


def test_not_a_zip_and_no_manifest(db):
    assert dataset.import_dataset(io.BytesIO(b"PK nonsense")).errors[0].file == "(zip)"
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("members.jsonl", "")
    assert dataset.import_dataset(io.BytesIO(empty.getvalue())).errors[0].file == "manifest.json"


def test_a_dry_run_checks_and_writes_nothing(exported):
    result = dataset.import_dataset(io.BytesIO(exported), dry_run=True)
    assert result.errors == [] and not result.applied
    assert not Member.objects.exists()


def test_references_must_resolve(exported):
    def orphan(rows):
        rows[0]["org_unit"] = "NO-SUCH-UNIT"
        return rows

    result = dataset.import_dataset(io.BytesIO(rewrite(exported, "members.jsonl", orphan)))
    assert [(e.file, e.line, e.field) for e in result.errors] == [("members.jsonl", 1, "org_unit")]


def test_unknown_fields_and_repeated_lines_are_refused_in_a_dataset_of_this_version(exported):
    def spoil(rows):
        rows[0]["nickname"] = "老张"
        return rows + [dict(rows[1])]

    result = dataset.import_dataset(io.BytesIO(rewrite(exported, "members.jsonl", spoil)))
    problems = {(e.line, e.field) for e in result.errors}
    assert (1, "nickname") in problems
    assert (6, "") in problems and "2" in next(e.reason for e in result.errors if e.line == 6)


def test_an_administrator_account_is_never_taken_over(exported):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("M0001", password="x", is_staff=True)
    result = dataset.import_dataset(io.BytesIO(exported))
    assert [(e.file, e.field) for e in result.errors] == [("members.jsonl", "employee_no")]
    assert not Member.objects.exists()
