"""xAPI statements travel as the store keeps them and are stored again through the store's own service."""

import io
import json
import uuid
import zipfile

from django.apps import apps

from lms.dataset import services as dataset
from lms.xapi import services as xapi

from .conftest import export_zip


def test_statements_round_trip(db):
    ident = str(uuid.uuid4())
    xapi.store_statements([{
        "id": ident, "timestamp": "2026-05-20T14:00:00+08:00",
        "actor": {"objectType": "Agent", "name": "张三", "mbox": "mailto:zhang@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-CN": "完成"}},
        "object": {"id": "https://lms.example.com/courses/1", "objectType": "Activity"},
        "result": {"completion": True},
    }])
    data = export_zip()
    lines = zipfile.ZipFile(io.BytesIO(data)).read("statements.jsonl").decode().splitlines()
    row = json.loads(lines[0])
    assert row["id"] == ident and row["verb"]["id"].endswith("/completed") and row["result"] == {"completion": True}
    assert row["timestamp"].startswith("2026-05-20T")
    Statement = apps.get_model("xapi", "Statement")
    Statement.objects.all().delete()
    result = dataset.import_dataset(io.BytesIO(data))
    assert result.errors == []
    assert result.counts["statements"]["created"] == 1
    assert str(Statement.objects.get().statement_id) == ident
    again = dataset.import_dataset(io.BytesIO(data))
    assert again.counts["statements"] == {"created": 0, "updated": 0, "unchanged": 1}
