"""H5P statements captured by lms.quizzes are restated in the LRS with the member's platform actor in place of the
player's made-up mailbox, under an id derived from the captured one."""

import io
import uuid

import pytest

from lms.catalog import completion
from lms.quizzes.h5p.package import import_package
from lms.quizzes.h5p.xapi import activity_iri, actor_mail, record_statement
from lms.xapi.emitters import statement_id
from tests.factories import MemberFactory, make_course, make_lesson
from tests.quizzes.factories import build_h5p

from .emitting import account, stored

pytestmark = pytest.mark.django_db


def h5p_statement(package, member, verb="completed", sid=None):
    return {
        "id": sid or str(uuid.uuid4()),
        "actor": {"name": member.name, "mbox": f"mailto:{actor_mail(member)}", "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": activity_iri(package), "objectType": "Activity",
                   "definition": {"extensions": {"http://h5p.org/x-api/h5p-local-content-id": "lms-h5p"}}},
        "context": {"contextActivities": {"category": [
            {"id": "http://h5p.org/libraries/H5P.LmsFixtureQuestion-1.0", "objectType": "Activity"}]}},
        "result": {"score": {"min": 0, "max": 1, "raw": 1, "scaled": 1}, "completion": True, "success": True,
                   "duration": "PT12.5S"},
    }


def test_captured_statement_is_restated_with_our_actor(django_capture_on_commit_callbacks):
    lesson = make_lesson(make_course("互动学习"), rule=completion.H5P)
    package = import_package(io.BytesIO(build_h5p()), filename="fixture.h5p")
    package.lesson = lesson
    package.save()
    member = MemberFactory()
    sid = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        record_statement(package, member, h5p_statement(package, member, sid=sid))
    [restated] = [s for s in stored() if s["object"]["id"] == activity_iri(package)]
    assert restated["id"] == statement_id(f"h5p:{sid}") != sid
    assert restated["actor"] == {"objectType": "Agent", "account": account(member)}
    assert actor_mail(member) not in str(restated)
    assert restated["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert restated["result"]["score"]["scaled"] == 1 and restated["result"]["duration"] == "PT12.5S"
    assert restated["context"]["contextActivities"]["category"][0]["id"].startswith("http://h5p.org/libraries/")

    # The identical statement posted again by the player is a replay: nothing new in the LRS.
    count = len(stored())
    with django_capture_on_commit_callbacks(execute=True):
        record_statement(package, member, h5p_statement(package, member, sid=sid))
    assert len(stored()) == count
