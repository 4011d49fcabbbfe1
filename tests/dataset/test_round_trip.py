"""Export → an empty site → import: the platform's own reports are the same, and a second import changes nothing."""

import io
import json
import zipfile

from lms.activities.models import Attendance
from lms.catalog.models import CoursePage
from lms.dataset import services as dataset
from lms.org.models import Member, OrgUnit
from lms.records.models import StudyHourEntry

from .conftest import export_zip, reports, wipe


def test_export_then_import_into_an_empty_site_gives_identical_reports(site):
    before = reports()
    assert before["hours_summary"] and before["org_life_attendance"]
    data = export_zip()
    wipe()
    assert not Member.objects.exists() and not StudyHourEntry.objects.exists()
    result = dataset.import_dataset(io.BytesIO(data))
    assert result.errors == []
    assert result.counts["members"]["created"] == 5
    assert reports() == before
    # References to courses, lessons and activities point at this site's rows again.
    course = CoursePage.objects.get(title="党章党规学习")
    assert StudyHourEntry.objects.filter(source="course", reference=f"course:{course.pk}").count() == 1
    assert not StudyHourEntry.objects.filter(reference__regex=r"^(course|lesson|activity):.*-").exists()
    # The attendance that earned hours is linked to its credit again.
    present = Attendance.objects.get(member__employee_no="M0001")
    assert StudyHourEntry.objects.get(pk=present.credit_entry_id).source == "activity"


def test_a_second_import_changes_nothing(site):
    data = export_zip()
    wipe()
    first = dataset.import_dataset(io.BytesIO(data))
    assert first.ok and first.total("created") > 0
    entries = StudyHourEntry.objects.count()
    second = dataset.import_dataset(io.BytesIO(data))
    assert second.errors == []
    assert {k: c for k, c in second.counts.items() if c["created"] or c["updated"]} == {}
    assert second.total("unchanged") == first.total("created") + first.total("unchanged")
    assert StudyHourEntry.objects.count() == entries


def test_importing_the_export_into_the_same_site_changes_nothing(site):
    result = dataset.import_dataset(io.BytesIO(export_zip()))
    assert result.errors == []
    assert result.total("created") == 0 and result.total("updated") == 0


def test_the_re_export_of_an_imported_site_is_the_same_dataset(site):
    data = export_zip()
    wipe()
    assert dataset.import_dataset(io.BytesIO(data)).ok
    again = export_zip()
    first, second = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(again))
    for name in first.namelist():
        if name.endswith(".jsonl") and name != "ledger_entries.jsonl":
            assert first.read(name) == second.read(name), name
    # The ledger differs only in when each entry was recorded on this site.
    def ledger(archive):
        return [{k: v for k, v in json.loads(line).items() if k != "recorded_at"}
                for line in archive.read("ledger_entries.jsonl").decode().splitlines()]

    assert ledger(first) == ledger(second)
    assert OrgUnit.objects.filter(code="B1").exists()
