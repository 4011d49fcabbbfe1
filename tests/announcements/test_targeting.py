"""Who an announcement reaches (subtree, roles, posts), who may publish where, and the bell notices."""

import pytest

from lms.announcements import access, services
from lms.announcements.models import Recipient
from lms.notifications.models import Notification
from lms.org.models import Post, Role

from .conftest import DEADLINE, PUBLISHED, aware, publish

pytestmark = pytest.mark.django_db


def reached(announcement) -> set[str]:
    return set(Recipient.objects.filter(announcement=announcement).values_list("member__name", flat=True))


def test_the_committee_reaches_every_active_member_with_their_branch(committee_notice, people, org):
    assert reached(committee_notice) == {"人事", "党委委员", "书记一", "支委一", "党员一", "组员一", "积极分子一",
                                         "书记二", "党员二"}  # not the inactive member
    branch_of = dict(Recipient.objects.filter(announcement=committee_notice).values_list("member__name",
                                                                                          "branch__name"))
    assert branch_of["组员一"] == "第一党支部" and branch_of["党员二"] == "第二党支部"
    assert branch_of["人事"] == "公司党委"
    assert committee_notice.publisher_unit == org["root"] and committee_notice.published_at == PUBLISHED


def test_a_subtree_roles_and_posts_narrow_the_audience(org, people):
    branch = publish(people["sec1"].user, org["branch1"])
    assert reached(branch) == {"书记一", "支委一", "党员一", "组员一", "积极分子一"}
    activists = publish(people["hr"].user, org["root"], roles=[Role.objects.get(code="activist")])
    assert reached(activists) == {"积极分子一"}
    safety = Post.objects.get(code="safety")
    posts = publish(people["hr"].user, org["root"], posts=[safety])
    assert reached(posts) == {"党员一", "党员二"}
    both = publish(people["hr"].user, org["branch2"], posts=[safety], roles=[Role.objects.get(code="member")])
    assert reached(both) == {"党员二"}
    assert set(both.target_posts.all()) == {safety}


def test_members_who_join_later_are_not_added(org, people):
    from tests.factories import MemberFactory

    notice = publish(people["sec2"].user, org["branch2"])
    MemberFactory(org_unit=org["branch2"], name="新党员")
    assert "新党员" not in reached(notice)


@pytest.mark.parametrize("who, allowed, refused", [
    ("hr", ["root", "branch1", "group1", "branch2"], []),
    ("sec1", ["branch1", "group1"], ["root", "branch2"]),
    ("committee1", ["branch1", "group1"], ["root", "branch2"]),
    ("party_committee", ["root", "branch2"], []),
    ("m1", [], ["root", "branch1", "group1"]),
])
def test_publishers_target_only_units_in_their_scope(org, people, who, allowed, refused):
    user = people[who].user
    assert sorted(u.name for u in access.publishable_units(user)) == sorted(
        {org[k].name for k in allowed} | ({"第一党小组", "第一党支部", "第二党支部", "公司党委"} if who in (
            "hr", "party_committee") else set()))
    for key in allowed:
        assert access.can_target(user, org[key])
    for key in refused:
        assert not access.can_target(user, org[key])
        with pytest.raises(services.AnnouncementError) as err:
            publish(user, org[key])
        assert err.value.field == "target_unit"


def test_bad_input_is_refused_before_anything_is_stored(org, people):
    user = people["hr"].user
    cases = [
        (dict(title=" "), "title"),
        (dict(body=""), "body"),
        (dict(requires_confirmation=True), "confirm_by"),
        (dict(requires_confirmation=True, confirm_by=aware(2026, 4, 30, 9)), "confirm_by"),
        (dict(roles=[Role.objects.get(code="trainer")]), "target_unit"),  # nobody holds it
    ]
    for kwargs, field in cases:
        with pytest.raises(services.AnnouncementError) as err:
            publish(user, org["root"], **kwargs)
        assert err.value.field == field, kwargs
    from lms.announcements.models import Announcement

    assert not Announcement.objects.exists() and not Notification.objects.exists()


def test_publishing_rings_the_bell_once_per_member_with_a_key(committee_notice, people):
    notes = Notification.objects.filter(key=f"announcement:{committee_notice.pk}")
    assert notes.count() == 9
    note = notes.get(recipient=people["m1"].user)
    assert note.kind == "announcements.published" and note.required
    assert note.url == f"/announcements/{committee_notice.pk}/" and "2026-05-10 18:00" in note.body
    # Sending again (a retried publication) never makes a second notice.
    services._notify_published(committee_notice, [people["m1"].user_id])
    assert notes.count() == 9


def test_without_confirmation_the_deadline_is_dropped(org, people):
    notice = publish(people["sec1"].user, org["branch1"], confirm_by=DEADLINE)
    assert notice.confirm_by is None and not notice.requires_confirmation
