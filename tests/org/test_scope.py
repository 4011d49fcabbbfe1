"""The one member-required check: pages answer 404, the API 403, both with the caller's message."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from lms.org.scope import require_member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_member_gets_their_record():
    member = MemberFactory()
    assert require_member(member.user, "x") == member
    assert require_member(member.user, "x", api=True) == member


@pytest.mark.parametrize("make_user", [lambda: AnonymousUser(),
                                       lambda: get_user_model().objects.create_user("staff-only", password="x" * 12)])
def test_anyone_else_is_refused_with_the_message(make_user):
    user = make_user()
    with pytest.raises(Http404, match="只有党员"):
        require_member(user, "只有党员")
    with pytest.raises(PermissionDenied) as refused:
        require_member(user, "只有党员", api=True)
    assert str(refused.value.detail) == "只有党员"
