"""The database side of the recommender: build the engine's arrays, store its results.

``recompute(None)`` (nightly) rebuilds everything: content features of every item (jieba
TF-IDF), the item neighbourhoods (stored in ``ItemNeighbour`` for course pages and later
incremental runs) and the recommendations of every active member. ``recompute(ids)``
(incremental, after completions) reloads the completion history — the collaborative signal
is cheap to rebuild — reuses the stored content neighbourhoods and recomputes only ``ids``.

What counts as "completed":

* a course: ``Enrollment.completed_at`` is set;
* a talk: the member completed a lesson whose video is the talk (``LessonProgress``, which
  requires ≥ 90 % watched for video lessons), or marked the talk as done (``TalkCompletion``).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from content_library.models import Talk, TranscriptSegment
from lms.catalog.models import CoursePage, LessonPage, Tier
from lms.org.models import Member, MemberRole, OrgUnit, Role
from lms.progress.models import Enrollment, LessonProgress
from lms.training.models import Assignment

from . import content, engine, visibility, weak_topics
from .models import Dismissal, ItemNeighbour, Recommendation, RecomputeRun, TalkCompletion

log = logging.getLogger(__name__)

# A member's peer role: the first of these they hold (party status), else none.
PEER_ROLES = ("activist", "candidate", "member")
# Gap priorities: assignments by due date first, then tier requirements.
PRIORITY_ASSIGNED = 4_000_000.0  # minus the due date's ordinal: earlier due ranks higher
PRIORITY_REQUIRED_ALL = 1_000_000.0
PRIORITY_ROLE_REQUIRED = 500_000.0
STORE_BATCH = 500  # members replaced per transaction
NEIGHBOURS_STORED = 20
TRANSCRIPT_SEGMENTS = 200  # the first segments of a transcript are enough for its topic

REASONS = {
    engine.Reason.REQUIRED: Recommendation.Reason.REQUIRED,
    engine.Reason.COMPLETED_WITH: Recommendation.Reason.COMPLETED_WITH,
    engine.Reason.SIMILAR_CONTENT: Recommendation.Reason.SIMILAR_CONTENT,
    engine.Reason.PEERS: Recommendation.Reason.PEERS,
    engine.Reason.ROLE_PEERS: Recommendation.Reason.ROLE_PEERS,
    engine.Reason.POPULAR: Recommendation.Reason.POPULAR,
}
SECTIONS = {engine.Section.REQUIRED: Recommendation.Section.REQUIRED,
            engine.Section.FOR_YOU: Recommendation.Section.FOR_YOU}


def params() -> engine.Params:
    """Engine parameters, overridable with ``RECOMMEND_PARAMS = {"top_k": 12, …}`` in settings."""
    return engine.Params(**getattr(settings, "RECOMMEND_PARAMS", {}))


# --------------------------------------------------------------------------- catalog
@dataclass
class Catalog:
    keys: list[tuple[str, int]] = field(default_factory=list)  # ("course", pk) | ("talk", pk)
    index: dict[tuple[str, int], int] = field(default_factory=dict)
    course_path: dict[int, str] = field(default_factory=dict)
    course_tier: dict[int, str] = field(default_factory=dict)
    course_audience: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    talk_creator: dict[int, int | None] = field(default_factory=dict)

    def add(self, key) -> int:
        self.index[key] = len(self.keys)
        self.keys.append(key)
        return self.index[key]

    def __len__(self):
        return len(self.keys)


def load_catalog() -> Catalog:
    """Live courses in catalog order, then ready talks."""
    cat = Catalog()
    for pk, path, tier in CoursePage.objects.live().order_by("path").values_list("pk", "path", "tier"):
        cat.add(("course", pk))
        cat.course_path[pk] = path
        cat.course_tier[pk] = tier
    through = CoursePage.audience_roles.through
    for course_id, code in through.objects.filter(coursepage_id__in=list(cat.course_path)).values_list(
            "coursepage_id", "role__code"):
        cat.course_audience[course_id].add(code)
    for pk, creator in Talk.objects.filter(status=Talk.Status.READY).order_by("pk").values_list("pk", "created_by"):
        cat.add(("talk", pk))
        cat.talk_creator[pk] = creator
    return cat


def item_texts(cat: Catalog) -> list[content.ItemText]:
    course_ids = [pk for kind, pk in cat.keys if kind == "course"]
    talk_ids = [pk for kind, pk in cat.keys if kind == "talk"]
    texts: dict[tuple[str, int], content.ItemText] = {}
    courses = CoursePage.objects.filter(pk__in=course_ids).prefetch_related("categories")
    by_path = {}
    for course in courses:
        texts[("course", course.pk)] = content.ItemText(
            title=course.title, summary=course.summary, categories=[c.name for c in course.categories.all()])
        by_path[course.path] = course.pk
    # Lesson titles say what a course covers.
    for path, title in LessonPage.objects.live().values_list("path", "title"):
        parent = by_path.get(path[:-LessonPage.steplen])
        if parent is not None:
            texts[("course", parent)].body += title + "。"
    talks = Talk.objects.filter(pk__in=talk_ids).select_related("category")
    for talk in talks:
        texts[("talk", talk.pk)] = content.ItemText(
            title=talk.title, summary=talk.speaker, categories=[talk.category.name] if talk.category else [])
    for talk_id, text in _transcript_lines(talk_ids):
        item = texts[("talk", talk_id)]
        if len(item.body) < content.MAX_BODY_CHARS:
            item.body += text
    return [texts[key] for key in cat.keys]


def _transcript_lines(talk_ids):
    return (TranscriptSegment.objects.filter(talk_id__in=talk_ids, index__lt=TRANSCRIPT_SEGMENTS)
            .order_by("talk_id", "index").values_list("talk_id", "text"))


# --------------------------------------------------------------------------- members
@dataclass
class People:
    ids: np.ndarray  # member pk per row
    row: dict[int, int]
    active: np.ndarray  # bool per row
    user_id: np.ndarray
    peer_role: list[str]  # "" = none
    peer_groups: list[np.ndarray]  # level 0: branch × peer role, level 1: peer role
    vis_group: np.ndarray
    vis_keys: list[tuple]  # (org_unit_id, role codes, auth group ids, is_superuser, representative user id)
    roles: list[frozenset[str]]


def _branch_of_units() -> dict[int, int]:
    """Each unit's nearest enclosing branch (self included), as ``OrgUnit.branch()`` decides."""
    units = list(OrgUnit.objects.values_list("pk", "path", "kind"))
    by_path = {path: (pk, kind) for pk, path, kind in units}
    branch_kinds = {OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH}
    step = OrgUnit.steplen
    out = {}
    for pk, path, _kind in units:
        out[pk] = pk
        for end in range(len(path), 0, -step):
            anc = by_path.get(path[:end])
            if anc and anc[1] in branch_kinds:
                out[pk] = anc[0]
                break
    return out


def load_people() -> People:
    rows = list(Member.objects.order_by("pk").values_list("pk", "org_unit_id", "user_id", "is_active",
                                                          "user__is_superuser"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    row = {pk: i for i, pk in enumerate(ids.tolist())}
    roles: list[set[str]] = [set() for _ in rows]
    for member_id, code in MemberRole.objects.values_list("member_id", "role__code"):
        roles[row[member_id]].add(code)
    groups_of_user: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in get_user_model().groups.through.objects.values_list("user_id", "group_id"):
        groups_of_user[user_id].add(group_id)
    branch = _branch_of_units()

    peer_role, level0, level1, vis_group = [], [], [], []
    level0_ids: dict[tuple, int] = {}
    level1_ids: dict[str, int] = {}
    vis_ids: dict[tuple, int] = {}
    vis_keys: list[tuple] = []
    frozen_roles = []
    for i, (_pk, unit_id, user_id, _active, is_superuser) in enumerate(rows):
        codes = frozenset(roles[i])
        frozen_roles.append(codes)
        role = next((code for code in PEER_ROLES if code in codes), "")
        peer_role.append(role)
        level0.append(level0_ids.setdefault((branch.get(unit_id, unit_id), role), len(level0_ids)))
        level1.append(level1_ids.setdefault(role, len(level1_ids)))
        key = (unit_id, codes, frozenset(groups_of_user.get(user_id, ())), bool(is_superuser))
        if key not in vis_ids:
            vis_ids[key] = len(vis_keys)
            vis_keys.append((*key, user_id))
        vis_group.append(vis_ids[key])
    return People(
        ids=ids, row=row, active=np.array([r[3] for r in rows], dtype=bool),
        user_id=np.array([r[2] for r in rows], dtype=np.int64), peer_role=peer_role,
        peer_groups=[np.array(level0, dtype=np.int64), np.array(level1, dtype=np.int64)],
        vis_group=np.array(vis_group, dtype=np.int64), vis_keys=vis_keys, roles=frozen_roles,
    )


def visibility_masks(cat: Catalog, people: People, needed_groups) -> tuple[np.ndarray, np.ndarray]:
    """(visible, allowed): bool matrices visibility group × item. ``visible``: the member may open it;
    ``allowed``: may be recommended "for you" (visible and, for courses, meant for the member's roles).
    Only ``needed_groups`` are evaluated; the others stay all-False."""
    n_groups = len(people.vis_keys)
    visible = np.zeros((n_groups, len(cat)), dtype=bool)
    allowed = np.zeros((n_groups, len(cat)), dtype=bool)
    restrictions = visibility.course_restrictions()
    user_model = get_user_model()
    course_cols = [(i, pk) for i, (kind, pk) in enumerate(cat.keys) if kind == "course"]
    cols = np.array([col for col, _pk in course_cols], dtype=np.int64)
    passed: dict[tuple, np.ndarray] = {}  # restrictions depend on superuser + auth groups only
    meant: dict[frozenset, np.ndarray] = {}  # audiences on role codes only
    for g in needed_groups:
        _unit, codes, group_ids, is_superuser, user_id = people.vis_keys[g]
        key = (is_superuser, group_ids)
        if key not in passed:
            passed[key] = np.array([visibility.passes(cat.course_path[pk], restrictions, is_superuser=is_superuser,
                                                      group_ids=group_ids) for _col, pk in course_cols], dtype=bool)
        if codes not in meant:
            meant[codes] = np.array([not cat.course_audience.get(pk) or bool(cat.course_audience[pk] & codes)
                                     for _col, pk in course_cols], dtype=bool)
        if len(cols):
            visible[g, cols] = passed[key]
            allowed[g, cols] = passed[key] & meant[codes]
        # The talk rule is the content library's; a representative member of the group stands in for all
        # (the serving layer re-checks each item against the actual user).
        user = user_model.objects.get(pk=user_id)
        for talk_id in visibility.visible_talks(user).values_list("pk", flat=True):
            col = cat.index.get(("talk", talk_id))
            if col is not None:
                visible[g, col] = allowed[g, col] = True
    return visible, allowed


# --------------------------------------------------------------------------- history & gaps
def history(cat: Catalog, people: People, now) -> sp.csr_matrix:
    m, i, age = [], [], []

    def add(member_id, key, when):
        col = cat.index.get(key)
        r = people.row.get(member_id)
        if col is not None and r is not None and when is not None:
            m.append(r)
            i.append(col)
            age.append((now - when).total_seconds() / 86400.0)

    for member_id, course_id, when in Enrollment.objects.filter(completed_at__isnull=False).values_list(
            "member_id", "course_id", "completed_at").iterator(chunk_size=20000):
        add(member_id, ("course", course_id), when)
    for member_id, talk_id, when in LessonProgress.objects.filter(
            completed_at__isnull=False, lesson__video__isnull=False).values_list(
            "member_id", "lesson__video_id", "completed_at").iterator(chunk_size=20000):
        add(member_id, ("talk", talk_id), when)
    for member_id, talk_id, when in TalkCompletion.objects.values_list("member_id", "talk_id", "completed_at"):
        add(member_id, ("talk", talk_id), when)
    return engine.completion_matrix(np.array(m, dtype=np.int64), np.array(i, dtype=np.int64),
                                    np.array(age, dtype=np.float64), len(people.ids), len(cat), params())


def gaps(cat: Catalog, people: People, rows: np.ndarray, visible: np.ndarray):
    """(priorities member × item, due dates {(row, col): date}) of required / assigned courses."""
    pri: dict[tuple[int, int], float] = {}
    due: dict[tuple[int, int], object] = {}
    wanted = set(people.ids[rows].tolist())
    assignments = Assignment.objects.filter(status=Assignment.Status.ACTIVE)
    if len(wanted) < len(people.ids):
        assignments = assignments.filter(member_id__in=wanted)
    for member_id, course_id, due_on in assignments.values_list("member_id", "course_id", "due_on"):
        r, col = people.row.get(member_id), cat.index.get(("course", course_id))
        if r is None or col is None:
            continue
        p = PRIORITY_ASSIGNED - due_on.toordinal()
        if p > pri.get((r, col), 0):
            pri[(r, col)] = p
            due[(r, col)] = due_on
    required_all = [cat.index[("course", pk)] for pk, tier in cat.course_tier.items() if tier == Tier.REQUIRED_ALL]
    role_required = [(cat.index[("course", pk)], cat.course_audience.get(pk, set()))
                     for pk, tier in cat.course_tier.items() if tier == Tier.ROLE_REQUIRED]
    for r in rows.tolist():
        codes = people.roles[r]
        for col in required_all:
            pri.setdefault((r, col), PRIORITY_REQUIRED_ALL)
        for col, audience in role_required:
            if audience & codes:
                pri.setdefault((r, col), PRIORITY_ROLE_REQUIRED)
    vis = people.vis_group
    keys = [k for k in pri if visible[vis[k[0]], k[1]]]
    matrix = sp.csr_matrix(
        (np.array([pri[k] for k in keys], dtype=np.float32),
         (np.array([k[0] for k in keys], dtype=np.int64), np.array([k[1] for k in keys], dtype=np.int64))),
        shape=(len(people.ids), len(cat)))
    return matrix, due


def exclusions(cat: Catalog, people: People, member_ids: set[int] | None) -> sp.csr_matrix:
    """Never "for you": dismissed items, courses already in progress, talks the member uploaded."""
    cells = set()
    dismissals = Dismissal.objects.all()
    in_progress = Enrollment.objects.filter(completed_at__isnull=True)
    if member_ids is not None:
        dismissals = dismissals.filter(member_id__in=member_ids)
        in_progress = in_progress.filter(member_id__in=member_ids)
    for member_id, course_id, talk_id in dismissals.values_list("member_id", "course_id", "talk_id"):
        key = ("course", course_id) if course_id else ("talk", talk_id)
        r, col = people.row.get(member_id), cat.index.get(key)
        if r is not None and col is not None:
            cells.add((r, col))
    for member_id, course_id in in_progress.values_list("member_id", "course_id"):
        r, col = people.row.get(member_id), cat.index.get(("course", course_id))
        if r is not None and col is not None:
            cells.add((r, col))
    row_of_user = {int(u): r for r, u in enumerate(people.user_id.tolist())}
    for talk_id, creator in cat.talk_creator.items():
        r = row_of_user.get(creator) if creator else None
        if r is not None:
            cells.add((r, cat.index[("talk", talk_id)]))
    cells_l = list(cells)
    return sp.csr_matrix((np.ones(len(cells_l), dtype=np.float32),
                          ([c[0] for c in cells_l], [c[1] for c in cells_l])), shape=(len(people.ids), len(cat)))


# --------------------------------------------------------------------------- neighbourhoods
def _item_fk(cat: Catalog, col: int, prefix: str = "") -> dict:
    kind, pk = cat.keys[col]
    return {f"{prefix}{kind}_id": pk}


def store_neighbours(cat: Catalog, S_cf: sp.csr_matrix, co_count: sp.csr_matrix,
                     S_content: sp.csr_matrix | None) -> int:
    rows = []
    for signal, S, limit in ((ItemNeighbour.Signal.CF, S_cf, NEIGHBOURS_STORED),
                             (ItemNeighbour.Signal.CONTENT, S_content, None)):
        if S is None:
            continue
        S = S.tocsr()
        for src in range(S.shape[0]):
            lo, hi = S.indptr[src], S.indptr[src + 1]
            cols, vals = S.indices[lo:hi], S.data[lo:hi]
            order = np.argsort(-vals, kind="stable")[:limit]
            for rank, k in enumerate(order):
                col = int(cols[k])
                rows.append(ItemNeighbour(
                    signal=signal, rank=rank, score=float(vals[k]),
                    co_count=int(co_count[src, col]) if signal == ItemNeighbour.Signal.CF else 0,
                    **_item_fk(cat, src, "source_"), **_item_fk(cat, col)))
    with transaction.atomic():
        ItemNeighbour.objects.all().delete()
        ItemNeighbour.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def stored_content_similarity(cat: Catalog) -> sp.csr_matrix | None:
    rows = list(ItemNeighbour.objects.filter(signal=ItemNeighbour.Signal.CONTENT).values_list(
        "source_course_id", "source_talk_id", "course_id", "talk_id", "score"))
    if not rows:
        return None
    r, c, v = [], [], []
    for sc, st, tc, tt, score in rows:
        src = cat.index.get(("course", sc) if sc else ("talk", st))
        dst = cat.index.get(("course", tc) if tc else ("talk", tt))
        if src is not None and dst is not None:
            r.append(src)
            c.append(dst)
            v.append(score)
    return sp.csr_matrix((np.array(v, dtype=np.float32), (r, c)), shape=(len(cat), len(cat)))


# --------------------------------------------------------------------------- the run
def recompute(member_ids=None, *, task_id: str = "") -> RecomputeRun:
    """Recompute and store recommendations: all active members (``None``) or just ``member_ids``."""
    full = member_ids is None
    run = RecomputeRun.objects.create(kind=RecomputeRun.Kind.FULL if full else RecomputeRun.Kind.INCREMENTAL,
                                      task_id=task_id or "")
    started = time.monotonic()
    try:
        stored = _recompute(run, None if full else set(member_ids))
    except Exception as exc:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000],
            finished_at=timezone.now(), seconds=time.monotonic() - started)
        raise
    run.status = RecomputeRun.Status.DONE
    run.finished_at = timezone.now()
    run.seconds = time.monotonic() - started
    run.recommendations = stored
    run.save(update_fields=["status", "finished_at", "seconds", "recommendations", "members"])
    log.info("recommendations: %s run for %d members stored %d rows in %.1f s",
             run.kind, run.members, stored, run.seconds)
    return run


def _recompute(run: RecomputeRun, member_ids: set[int] | None) -> int:
    p = params()
    now = timezone.now()
    cat = load_catalog()
    people = load_people()
    if member_ids is None:
        rows = np.nonzero(people.active)[0]
    else:
        rows = np.array(sorted(people.row[m] for m in member_ids if m in people.row and
                               people.active[people.row[m]]), dtype=np.int64)
    run.members = len(rows)
    if not len(rows):
        return 0
    if not len(cat):
        return store(cat, people, rows, None, {}, now)

    W = history(cat, people, now)
    S_cf, co_count = engine.item_similarity(W, p)
    S_content = None if member_ids is None else stored_content_similarity(cat)
    if S_content is None:
        S_content = engine.content_similarity(content.item_features(item_texts(cat)), p)
        store_neighbours(cat, S_cf, co_count, S_content)
    model = engine.build_model(W, peer_groups=people.peer_groups, S_content=S_content, S_cf=S_cf, params=p)
    needed = np.unique(people.vis_group[rows])
    visible, allowed = visibility_masks(cat, people, needed)
    gap_matrix, due = gaps(cat, people, rows, visible)
    excluded = exclusions(cat, people, member_ids)
    result = engine.recommend(W, model, members=rows, allowed=(people.vis_group, allowed),
                              exclude=excluded, gaps=gap_matrix, params=p)
    if member_ids is None:  # members who left keep nothing
        Recommendation.objects.exclude(member__is_active=True).delete()
    weak = weak_courses(cat, people, rows, member_ids, W=W, allowed=allowed, gaps=gap_matrix,
                        exclude=excluded, p=p)
    return store(cat, people, rows, result, due, now, weak=weak)


def weak_courses(cat: Catalog, people: People, rows: np.ndarray, member_ids, *, W, allowed, gaps, exclude,
                 p: engine.Params) -> dict[int, list[tuple[int, int]]]:
    """{member row: [(course column, question category id), …]}: courses of the member's weak question
    categories that may be recommended "for you" (allowed, not completed, in progress, dismissed or required)."""
    wanted = set(rows.tolist())
    candidates = weak_topics.weak_topic_courses(member_ids, threshold=p.weak_threshold,
                                                min_questions=p.weak_min_questions, per_member=p.weak_top_k)
    W, gaps, exclude = W.tocsr(), gaps.tocsr(), exclude.tocsr()
    out: dict[int, list[tuple[int, int]]] = {}
    for member_id, picks in candidates.items():
        r = people.row.get(member_id)
        if r is None or r not in wanted:
            continue
        chosen = []
        for course_id, category_id, _share in picks:
            col = cat.index.get(("course", course_id))
            if (col is None or not allowed[people.vis_group[r], col] or W[r, col] or gaps[r, col]
                    or exclude[r, col]):
                continue
            chosen.append((col, category_id))
            if len(chosen) >= p.weak_top_k:
                break
        if chosen:
            out[r] = chosen
    return out


def store(cat: Catalog, people: People, rows: np.ndarray, result: engine.Result | None, due: dict, now,
          weak: dict[int, list[tuple[int, int]]] | None = None) -> int:
    """Replace the stored recommendations of ``rows``' members, a batch of members per transaction. ``weak``
    (member row → [(course column, question category)]) come first in "for you", ahead of the engine's."""
    role_pk = dict(Role.objects.values_list("code", "pk"))
    by_row: dict[int, list[Recommendation]] = defaultdict(list)
    if result is not None:
        for m, item, section, rank, score, reason, ritem in zip(
                result.member.tolist(), result.item.tolist(), result.section.tolist(), result.rank.tolist(),
                result.score.tolist(), result.reason.tolist(), result.reason_item.tolist(), strict=True):
            code = REASONS[engine.Reason(reason)]
            rec = Recommendation(
                member_id=int(people.ids[m]), section=SECTIONS[engine.Section(section)], rank=rank, score=score,
                reason=code, computed_at=now, due_on=due.get((m, item)), **_item_fk(cat, item))
            if ritem >= 0:
                for key, value in _item_fk(cat, ritem, "reason_").items():
                    setattr(rec, key, value)
            if code in (Recommendation.Reason.PEERS, Recommendation.Reason.ROLE_PEERS):
                rec.reason_role_id = role_pk.get(people.peer_role[m])
            by_row[m].append(rec)
    for m, picks in (weak or {}).items():
        cols = {col for col, _category in picks}
        first = [Recommendation(member_id=int(people.ids[m]), section=Recommendation.Section.FOR_YOU, rank=rank,
                                score=1.0, reason=Recommendation.Reason.WEAK_TOPIC, reason_category_id=category,
                                computed_at=now, **_item_fk(cat, col)) for rank, (col, category) in enumerate(picks)]
        rest = []
        for rec in by_row.get(m, []):
            if rec.section == Recommendation.Section.FOR_YOU:
                if rec.course_id and cat.index[("course", rec.course_id)] in cols:
                    continue
                rec.rank = len(first) + sum(1 for x in rest if x.section == Recommendation.Section.FOR_YOU)
            rest.append(rec)
        by_row[m] = first + rest
    total = 0
    row_list = rows.tolist()
    for start in range(0, len(row_list), STORE_BATCH):
        batch = row_list[start:start + STORE_BATCH]
        objs = [rec for r in batch for rec in by_row.get(r, [])]
        with transaction.atomic():
            Recommendation.objects.filter(member_id__in=[int(people.ids[r]) for r in batch]).delete()
            Recommendation.objects.bulk_create(objs, batch_size=2000)
        total += len(objs)
    return total
