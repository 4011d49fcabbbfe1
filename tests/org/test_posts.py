"""Posts (岗位): the member import column, the admin (HR only), the member form."""

from pathlib import Path

import pytest
from django.test import Client

from lms.org.importer import COLUMNS, import_members
from lms.org.models import Member, Post
from tests.factories import MemberFactory

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "members.csv"


def run(text: str, **kwargs):
    return import_members(text.encode("utf-8"), "m.csv", **kwargs)


def post(code: str) -> Post:
    return Post.objects.get(code=code)


@pytest.fixture
def hr_client(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hr = MemberFactory(roles=["member", "hr"])
    client = Client()
    client.force_login(hr.user)
    return client


def client_for(roles, capture):
    with capture(execute=True):
        member = MemberFactory(roles=roles)
    client = Client()
    client.force_login(member.user)
    return client


# --- import --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_import_takes_a_post_by_code_or_chinese_name_under_chinese_headers():
    report = run("工号,姓名,所在组织,岗位\nP1,甲,公司党委/一支部,safety\nP2,乙,公司党委/一支部,设备维修\n"
                 "P3,丙,公司党委/一支部,SAFETY\n")
    assert report.ok and report.created == 3, report.errors
    posts = dict(Member.objects.filter(employee_no__startswith="P").values_list("employee_no", "post__code"))
    assert posts == {"P1": "safety", "P2": "maintenance", "P3": "safety"}
    report = run("employee_no,name,org_unit_path,岗位代码\nP1,甲,公司党委/一支部,finance\n")
    assert report.ok and report.updated == 1
    assert Member.objects.get(employee_no="P1").post.code == "finance"


@pytest.mark.django_db
def test_unknown_post_refuses_the_whole_import_with_line_and_value():
    report = run("employee_no,name,org_unit_path,post\nQ1,甲,公司党委,safety\nQ2,乙,公司党委,打字员\n"
                 "Q3,丙,公司党委,finance\n")
    assert not report.ok
    assert [e.line for e in report.errors] == [3]
    assert "打字员" in report.errors[0].reason
    assert not Member.objects.filter(employee_no__startswith="Q").exists()


@pytest.mark.django_db
def test_inactive_post_is_refused_for_everyone_even_by_name():
    Post.objects.filter(code="procurement").update(is_active=False)
    report = run("employee_no,name,org_unit_path,post\nR1,甲,公司党委,采购\nR2,乙,公司党委,procurement\n")
    assert [e.line for e in report.errors] == [2, 3]
    assert all("no longer in use" in e.reason or "已停用" in e.reason for e in report.errors)
    assert not Member.objects.filter(employee_no__startswith="R").exists()


@pytest.mark.django_db
def test_inactive_post_already_held_is_kept_on_reimport():
    MemberFactory(employee_no="V1", post=post("procurement"))
    Post.objects.filter(code="procurement").update(is_active=False)
    report = run("employee_no,name,org_unit_path,post\nV1,甲,公司党委,procurement\n")
    assert report.ok, report.errors
    assert Member.objects.get(employee_no="V1").post.code == "procurement"
    report = run("employee_no,name,org_unit_path,post\nV1,甲,公司党委,procurement\nV2,乙,公司党委,采购\n")
    assert [e.line for e in report.errors] == [3]


@pytest.mark.django_db
def test_empty_post_cell_means_no_post_and_a_file_without_the_column_keeps_posts():
    MemberFactory(employee_no="T1", post=post("safety"))
    MemberFactory(employee_no="T2", post=post("finance"))
    # An empty cell clears the post (as an empty email or phone cell clears those); new members get none.
    report = run("employee_no,name,org_unit_path,post\nT1,甲,公司党委,\nT3,丙,公司党委,\n")
    assert report.ok, report.errors
    assert Member.objects.get(employee_no="T1").post is None
    assert Member.objects.get(employee_no="T3").post is None
    # No post column at all: posts are left as they are.
    report = run("employee_no,name,org_unit_path\nT2,乙,公司党委\n")
    assert report.ok
    assert Member.objects.get(employee_no="T2").post.code == "finance"


@pytest.mark.django_db
def test_reimporting_the_same_post_is_unchanged_and_a_dry_run_writes_nothing():
    text = "employee_no,name,org_unit_path,roles,post\nU1,甲,公司党委,member,operation\n"
    assert run(text, dry_run=True).ok
    assert not Member.objects.filter(employee_no="U1").exists()
    assert run(text).created == 1
    again = run(text)
    assert (again.unchanged, again.updated) == (1, 0)


@pytest.mark.django_db
def test_columns_shown_on_the_import_page_and_the_sample_file_import(hr_client):
    assert "post" in COLUMNS
    html = hr_client.get("/admin/import/members/").content.decode()
    assert "post" in html
    report = import_members(SAMPLE.read_bytes(), SAMPLE.name)
    assert report.ok and report.created == 3, report.errors
    assert dict(Member.objects.filter(employee_no__startswith="S1").values_list("employee_no", "post__code")) == {
        "S1001": "operation", "S1002": "maintenance", "S1003": None}


# --- admin ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_hr_lists_posts_with_member_counts(hr_client):
    MemberFactory(post=post("safety"))
    MemberFactory(post=post("safety"))
    MemberFactory(post=post("safety"), is_active=False)
    r = hr_client.get("/admin/snippets/org/post/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "安全管理" in html and "运行操作" in html
    listed = {p.code: p.member_count for p in r.context["object_list"]}
    assert listed["safety"] == 2 and listed["finance"] == 0


@pytest.mark.django_db
def test_hr_creates_and_edits_a_post_but_cannot_change_its_code(hr_client):
    r = hr_client.post("/admin/snippets/org/post/add/", {"code": "chemistry", "name": "化验分析",
                                                         "name_en": "Lab analysis", "is_active": "on"})
    assert r.status_code == 302
    created = Post.objects.get(code="chemistry")
    r = hr_client.post(f"/admin/snippets/org/post/edit/{created.pk}/",
                       {"code": "other", "name": "化验", "name_en": "", "is_active": ""})
    assert r.status_code == 302
    created.refresh_from_db()
    assert (created.code, created.name, created.is_active) == ("chemistry", "化验", False)


@pytest.mark.django_db
def test_post_codes_must_be_slugs_and_unique(hr_client):
    before = Post.objects.count()
    for code in ("安全", "has space", "safety"):
        r = hr_client.post("/admin/snippets/org/post/add/", {"code": code, "name": "重复", "is_active": "on"})
        assert r.status_code == 200, code  # the form again, with its error
        assert r.context["form"].errors.get("code"), code
    assert Post.objects.count() == before


@pytest.mark.django_db
def test_a_post_held_by_members_cannot_be_deleted(hr_client):
    held = post("finance")
    MemberFactory(post=held)
    r = hr_client.post(f"/admin/snippets/org/post/delete/{held.pk}/")
    assert r.status_code in (200, 302, 403)
    assert Post.objects.filter(pk=held.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [["member", "trainer"], ["member", "branch_secretary"], ["member"]])
def test_only_hr_manages_posts(roles, django_capture_on_commit_callbacks):
    client = client_for(roles, django_capture_on_commit_callbacks)
    before = Post.objects.count()
    for url in ("/admin/snippets/org/post/", "/admin/snippets/org/post/add/"):
        r = client.get(url)
        assert r.status_code in (302, 403), url
    client.post("/admin/snippets/org/post/add/", {"code": "x1", "name": "x", "is_active": "on"})
    assert Post.objects.count() == before


# --- the member form -----------------------------------------------------------------------------------------

def _member_data(member, **changes):
    data = {"employee_no": member.employee_no, "name": member.name, "org_unit": member.org_unit_id,
            "user": member.user_id, "post": member.post_id or "", "is_active": "on" if member.is_active else "",
            "email": member.email, "phone": member.phone, "joined_on": "",
            "roles": list(member.roles.values_list("pk", flat=True))}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_member_form_offers_active_posts_and_keeps_an_inactive_one_already_held(hr_client):
    Post.objects.filter(code="procurement").update(is_active=False)
    holder = MemberFactory(post=post("procurement"))
    other = MemberFactory()
    url = "/admin/snippets/org/member/edit/{}/"
    offered = {p.code for p in hr_client.get(url.format(other.pk)).context["form"].fields["post"].queryset}
    assert "procurement" not in offered and {"safety", "finance"} <= offered
    kept = {p.code for p in hr_client.get(url.format(holder.pk)).context["form"].fields["post"].queryset}
    assert "procurement" in kept

    # Saving the holder without touching the post keeps it.
    r = hr_client.post(url.format(holder.pk), _member_data(holder, name="改名"))
    assert r.status_code == 302
    holder.refresh_from_db()
    assert (holder.name, holder.post.code) == ("改名", "procurement")

    # Another member cannot be given the inactive post: the form says so, nothing changes.
    r = hr_client.post(url.format(other.pk), _member_data(other, post=post("procurement").pk))
    assert r.status_code == 200 and r.context["form"].errors.get("post")
    other.refresh_from_db()
    assert other.post is None

    r = hr_client.post(url.format(other.pk), _member_data(other, post=post("safety").pk))
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.post.code == "safety"
