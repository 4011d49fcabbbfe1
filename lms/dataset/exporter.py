"""Writing a dataset: one JSON Lines file per entity streamed into a ZIP, people.xlsx, and the manifest last
(it holds every file's line count and SHA-256, known only once the file is written)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.utils import timezone

from lms.common.tabular import xlsx_cells
from lms.org.models import Member

from .base import ExportScope
from .registry import ENTITIES, filename
from .standard import FORMAT, VERSION

MANIFEST = "manifest.json"
PEOPLE = "people.xlsx"
# The member import's Chinese headers, so people.xlsx can be read back by ``import_members`` as it is.
PEOPLE_HEADER = ["工号", "姓名", "组织路径", "角色", "岗位", "邮箱", "电话", "入党日期"]


def _people_xlsx(scope: ExportScope) -> tuple[bytes, int]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(xlsx_cells(sheet, PEOPLE_HEADER))
    count = 0
    members = (Member.objects.filter(scope.q("org_unit__")).select_related("org_unit", "post")
               .prefetch_related("member_roles__role").order_by("employee_no"))
    units: dict[int, str] = {}
    for m in members.iterator(chunk_size=2000):
        if m.org_unit_id not in units:
            units[m.org_unit_id] = m.org_unit.full_name
        roles = ",".join(sorted(mr.role.code for mr in m.member_roles.all()))
        sheet.append(xlsx_cells(sheet, [m.employee_no, m.name, units[m.org_unit_id], roles,
                                        m.post.code if m.post_id else "", m.email, m.phone,
                                        m.joined_on.isoformat() if m.joined_on else ""]))
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def write_dataset(out, scope: ExportScope, *, now=None) -> dict:
    """Write the dataset of ``scope`` into the binary file ``out``; returns the manifest."""
    files: dict[str, dict] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entity in ENTITIES:
            digest, count = hashlib.sha256(), 0
            with archive.open(filename(entity), "w", force_zip64=True) as fh:
                for row in entity.export(scope):
                    line = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
                    digest.update(line)
                    fh.write(line)
                    count += 1
            files[filename(entity)] = {"entity": entity.name, "count": count, "sha256": digest.hexdigest()}
        people, count = _people_xlsx(scope)
        archive.writestr(PEOPLE, people)
        files[PEOPLE] = {"entity": "members", "count": count, "sha256": hashlib.sha256(people).hexdigest()}
        manifest = {"format": FORMAT, "standard_version": VERSION,
                    "generated_at": timezone.localtime(now or timezone.now()).isoformat(),
                    "scope": scope.describe(), "files": files}
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest
