"""services.store_statements: the platform's own statements."""

import pytest

from lms.xapi import conf, services
from lms.xapi.errors import BadRequest
from lms.xapi.models import Statement

from .statement_data import statement, with_id

pytestmark = pytest.mark.django_db


def test_platform_authority_and_idempotence():
    st = with_id()
    assert services.store_statements([st]) == [st["id"]]
    assert services.store_statements([st]) == [st["id"]]
    row = Statement.objects.get()
    assert row.data["authority"]["account"] == {"homePage": conf.home_page(), "name": "platform"}
    assert row.client is None
    assert "stored" not in st  # the caller's dict is left alone


def test_invalid_statement_raises():
    with pytest.raises(BadRequest):
        services.store_statements([statement(actor={"name": "no identifier"})])
    assert Statement.objects.count() == 0
