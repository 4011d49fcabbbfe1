"""visible_talks(): org-wide talks plus subtree talks owned by the user's unit or an ancestor."""

from django.contrib.auth.models import AnonymousUser

from content_library.models import Talk
from content_library.visibility import can_manage_talks, can_view_talk, talk_scope, visible_talks
from tests.factories import UserFactory

from .conftest import make_ready_talk


def titles(user):
    return set(visible_talks(user).values_list("title", flat=True))


def test_member_sees_org_wide_and_talks_of_own_unit_and_ancestors(talks, people):
    assert titles(people["group1_member"].user) == {"全员党课", "第一支部专题", "小组学习", "党委全体"}
    assert titles(people["branch1_member"].user) == {"全员党课", "第一支部专题", "党委全体"}
    assert titles(people["branch2_member"].user) == {"全员党课", "第二支部专题", "党委全体"}
    assert titles(people["root_member"].user) == {"全员党课", "党委全体"}


def test_hr_and_superusers_see_everything_anonymous_nothing(talks, people):
    everything = set(Talk.objects.values_list("title", flat=True))
    assert titles(people["hr"].user) == everything
    assert titles(UserFactory(username="admin", is_superuser=True)) == everything
    assert titles(AnonymousUser()) == set()


def test_login_without_member_sees_only_org_wide(talks, people):
    assert titles(people["outsider"]) == {"全员党课"}


def test_uploader_sees_own_talks(talks, people, org):
    trainer = people["trainer"]
    own = make_ready_talk("自己上传", visibility=Talk.Visibility.SUBTREE, org_unit=org["group1"],
                          created_by=trainer.user)
    assert can_view_talk(trainer.user, own)
    assert not can_view_talk(people["branch2_member"].user, own)


def test_who_may_manage_talks(people):
    assert can_manage_talks(people["trainer"].user)
    assert can_manage_talks(people["hr"].user)
    assert not can_manage_talks(people["branch1_member"].user)
    assert not can_manage_talks(AnonymousUser())


def test_in_memory_check_agrees_with_the_query_for_every_user_and_talk(talks, people, org):
    """Search checks visibility in memory (TalkScope.allows): it must decide exactly as visible_talks."""
    make_ready_talk("自己上传的支部课", visibility=Talk.Visibility.SUBTREE, org_unit=org["branch1"],
                    created_by=people["trainer"].user)
    users = [p.user if hasattr(p, "user") else p for p in people.values()]
    users += [AnonymousUser(), UserFactory(username="root", is_superuser=True)]
    all_talks = list(Talk.objects.all())
    for user in users:
        scope = talk_scope(user)
        in_memory = {t.title for t in all_talks if scope.allows(t.visibility, t.org_unit_id, t.created_by_id)}
        assert in_memory == titles(user), user
