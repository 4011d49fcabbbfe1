"""Offline evaluation of the recommender (lms.recommend.engine) on synthetic completion histories.

    .venv/bin/python bench/recommend_eval.py                    # 100,000 members × 2,000 items
    .venv/bin/python bench/recommend_eval.py --members 20000    # quicker

The generator builds an organization of branches (~40 members) and roles (party member,
activist, candidate), a catalog of courses and talks in 20 categories and three tiers
(required for all, required for a role, elective) with course series (part 1, 2, 3 …), and
two years of completions: members favour a few categories (shared in part with their branch;
activists and candidates lean to theory and party rules),
follow their colleagues (each branch has its "hot" items), continue series they started,
complete most required courses, and sometimes pick any popular item. Role-required items are
only completed by — and only recommendable to — members of that role.

Split: leave-last-out by time — each member's most recent completion (members with at least two)
is held out, everything else trains. Every method ranks the same candidates (items the member
may see and has not completed) and is scored by hit-rate@10 and NDCG@10 on the held-out item:

* ``recommender``: lms.recommend.engine (CF + content + peers, as in production);
* ``global_popularity``: most completed items overall;
* ``role_popularity``: most completed items among members of the same role.

Also timed: computing all recommendations (content features, similarity, scores, reasons) for
every member, with peak memory. Ends with one JSON line of figures and targets.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms.recommend import content, engine  # noqa: E402

DAYS = 730.0
ROLES = ["党员", "入党积极分子", "发展对象"]
ROLE_SHARE = [0.85, 0.07, 0.08]
TOPICS = [
    ("理论学习", ["理论", "思想", "马克思主义", "理想信念", "初心使命"]),
    ("党史学习", ["党史", "革命", "历史", "长征", "延安"]),
    ("廉洁教育", ["廉洁", "纪律", "八项规定", "警示教育", "作风"]),
    ("安全生产", ["安全", "隐患排查", "应急", "事故", "责任制"]),
    ("业务技能", ["数字化", "办公", "项目管理", "技能", "数据"]),
    ("党章党规", ["党章", "党规", "条例", "准则", "党纪"]),
    ("组织生活", ["三会一课", "组织生活会", "主题党日", "民主评议", "支部"]),
    ("基层党建", ["基层", "党建", "党支部", "标准化", "规范化"]),
    ("形势政策", ["形势", "政策", "经济", "改革", "发展"]),
    ("法治教育", ["法治", "法律", "宪法", "合规", "依法"]),
    ("国企改革", ["国企", "改革", "治理", "混合所有制", "考核"]),
    ("乡村振兴", ["乡村", "振兴", "农业", "帮扶", "农村"]),
    ("生态文明", ["生态", "环保", "绿色", "低碳", "节能"]),
    ("意识形态", ["意识形态", "宣传", "舆论", "网络", "阵地"]),
    ("群团工作", ["工会", "共青团", "群众", "志愿", "服务"]),
    ("人才培养", ["人才", "培养", "青年", "干部", "成长"]),
    ("保密教育", ["保密", "信息", "泄密", "涉密", "安全"]),
    ("质量管理", ["质量", "标准", "管理", "改进", "品牌"]),
    ("科技创新", ["科技", "创新", "研发", "专利", "数字"]),
    ("文化建设", ["文化", "品牌", "精神", "传承", "企业"]),
]
# Activists and candidates lean to theory and party rules (理论学习, 党章党规).
ROLE_TOPICS = [0, 5]
FILLER = ["学习", "专题", "讲座", "培训", "解读", "实践", "案例", "要点", "提升", "推进", "落实", "深化"]


# --------------------------------------------------------------------------- synthetic organization
def generate(n_members: int, n_items: int, seed: int):
    rng = np.random.default_rng(seed)
    n_cat = len(TOPICS)
    n_branches = max(1, n_members // 40)
    branch = rng.integers(0, n_branches, n_members)
    role = rng.choice(len(ROLES), n_members, p=ROLE_SHARE)

    # Catalog: categories, tiers, series, appeal.
    category = rng.integers(0, n_cat, n_items)
    is_talk = rng.random(n_items) < 0.3
    tier = np.full(n_items, 2)  # 0 required for all, 1 role-required, 2 elective
    tier[:20] = 0
    tier[20:80] = 1
    audience = np.where(tier == 1, rng.integers(1, len(ROLES), n_items), -1)  # activists / candidates
    appeal = rng.lognormal(0.0, 1.0, n_items)
    series_next = np.full(n_items, -1)
    part = np.ones(n_items, dtype=int)
    electives = np.nonzero(tier == 2)[0]
    for cat in range(n_cat):
        items = electives[category[electives] == cat]
        pos = 0
        while pos < len(items):
            length = int(rng.integers(1, 6))
            chunk = items[pos:pos + length]
            for k in range(len(chunk) - 1):
                series_next[chunk[k]] = chunk[k + 1]
            part[chunk] = np.arange(1, len(chunk) + 1)
            pos += length
    texts = []
    for i in range(n_items):
        name, words = TOPICS[category[i]]
        picks = rng.choice(words, 3, replace=False)
        title = f"{picks[0]}{rng.choice(FILLER)}{'视频' if is_talk[i] else '课程'}（第{part[i]}讲）"
        summary = "，".join([*picks, *rng.choice(FILLER, 2)]) + "。"
        texts.append(content.ItemText(title=title, summary=summary, categories=[name]))

    # Per-category sampling tables (by appeal) for electives.
    cat_items, cat_cdf = [], []
    for cat in range(n_cat):
        items = electives[category[electives] == cat]
        p = appeal[items] / appeal[items].sum()
        cat_items.append(items)
        cat_cdf.append(np.cumsum(p))
    global_cdf = np.cumsum(appeal[electives] / appeal[electives].sum())

    def draw_cat(cat: int, u: float) -> int:
        idx = min(int(np.searchsorted(cat_cdf[cat], u)), len(cat_items[cat]) - 1)
        return int(cat_items[cat][idx])

    # Branches share tastes and have colleagues' "hot" items.
    branch_fav = rng.integers(0, n_cat, (n_branches, 2))
    branch_hot = np.empty((n_branches, 12), dtype=int)
    for b in range(n_branches):
        for k in range(12):
            branch_hot[b, k] = draw_cat(int(branch_fav[b, k % 2]), rng.random())
    required_all = np.nonzero(tier == 0)[0]
    role_required = [np.nonzero(audience == r)[0] for r in range(len(ROLES))]

    n_events = rng.negative_binomial(2, 2 / (2 + 14), n_members)
    members, items_out, times = [], [], []
    for m in range(n_members):
        n = int(n_events[m])
        if n == 0:
            continue
        b = branch[m]
        favs = [int(branch_fav[b, 0]) if rng.random() < 0.5 else int(rng.integers(n_cat)),
                int(rng.choice(ROLE_TOPICS)) if role[m] and rng.random() < 0.6 else int(rng.integers(n_cat))]
        done: set[int] = set()
        required_seq = []
        for i in required_all:
            if rng.random() < 0.35:
                done.add(int(i))
                required_seq.append(int(i))
        for i in role_required[role[m]]:
            if rng.random() < 0.5:
                done.add(int(i))
                required_seq.append(int(i))
        seq = []
        prev = -1
        us = rng.random((n, 4))
        for e in range(n):
            r, u1, u2, u3 = us[e]
            item = -1
            for _try in range(3):
                if prev >= 0 and series_next[prev] >= 0 and r < 0.25:
                    item = int(series_next[prev])
                elif r < 0.45:
                    item = int(branch_hot[b, int(u1 * 12)])
                elif r < 0.85:
                    item = draw_cat(favs[0] if u2 < 0.65 else favs[1], u3)
                else:
                    item = int(electives[min(int(np.searchsorted(global_cdf, u3)), len(electives) - 1)])
                if item not in done:
                    break
                r, u1, u2, u3 = rng.random(4)
                item = -1
            if item >= 0:
                done.add(item)
                seq.append(item)
                prev = item
        if not seq and not required_seq:
            continue
        # Electives in the order drawn (series continue forward); required courses any time.
        start = rng.uniform(0, DAYS * 0.8)
        t = np.concatenate([np.sort(rng.uniform(start, DAYS, len(seq))),
                            rng.uniform(start, DAYS, len(required_seq))])
        members.extend([m] * (len(seq) + len(required_seq)))
        items_out.extend(seq + required_seq)
        times.extend(t.tolist())

    allowed = np.ones((len(ROLES), n_items), dtype=bool)
    required = np.zeros((len(ROLES), n_items), dtype=bool)
    for r in range(len(ROLES)):
        allowed[r, (tier == 1) & (audience != r)] = False
        required[r, (tier == 0) | (audience == r)] = True
    return {
        "required": required,
        "member": np.asarray(members, dtype=np.int64),
        "item": np.asarray(items_out, dtype=np.int64),
        "time": np.asarray(times),
        "branch": branch,
        "role": role,
        "allowed": allowed,
        "texts": texts,
        "n_members": n_members,
        "n_items": n_items,
    }


def leave_last_out(data):
    member, item, t = data["member"], data["item"], data["time"]
    order = np.lexsort((t, member))
    member, item, t = member[order], item[order], t[order]
    last = np.ones(len(member), dtype=bool)
    last[:-1] = member[1:] != member[:-1]
    counts = np.bincount(member, minlength=data["n_members"])
    test = last & (counts[member] >= 2)
    return (member[~test], item[~test], t[~test]), (member[test], item[test])


# --------------------------------------------------------------------------- methods
def rank_by_scores(item_scores, W, allowed, vis_group, members, k=10, batch=4096):
    """Top-k of a per-member score row (shared popularity vectors) among candidates."""
    out = np.full((len(members), k), -1, dtype=np.int64)
    for start in range(0, len(members), batch):
        rows = members[start:start + batch]
        scores = item_scores(rows).astype(np.float64)
        Wb = W[rows]
        scores[np.repeat(np.arange(len(rows)), np.diff(Wb.indptr)), Wb.indices] = -np.inf
        scores[~allowed[vis_group[rows]]] = -np.inf
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        s = np.take_along_axis(scores, top, axis=1)
        o = np.argsort(-s, axis=1, kind="stable")
        out[start:start + len(rows)] = np.take_along_axis(top, o, axis=1)
    return out


def metrics(top: np.ndarray, truth: np.ndarray) -> dict:
    hits = top == truth[:, None]
    hit = hits.any(axis=1)
    rank = np.argmax(hits, axis=1)
    ndcg = np.where(hit, 1.0 / np.log2(rank + 2), 0.0)
    return {"hit_rate@10": round(float(hit.mean()), 4), "ndcg@10": round(float(ndcg.mean()), 4)}


def result_top(result: engine.Result, members: np.ndarray, n_members: int, k=10) -> np.ndarray:
    table = np.full((n_members, k), -1, dtype=np.int64)
    sel = (result.section == engine.Section.FOR_YOU) & (result.rank < k)
    table[result.member[sel], result.rank[sel]] = result.item[sel]
    return table[members]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    params = engine.Params()

    t0 = time.perf_counter()
    data = generate(args.members, args.items, args.seed)
    gen_s = time.perf_counter() - t0
    (tr_m, tr_i, tr_t), (te_m, te_i) = leave_last_out(data)
    n_m, n_i = data["n_members"], data["n_items"]
    print(f"generated {len(data['member']):,} completions for {n_m:,} members × {n_i:,} items in {gen_s:.1f} s; "
          f"{len(te_m):,} members with a held-out completion")

    vis_group = data["role"]
    allowed = data["allowed"]
    # Gaps: required items of the member's role, not done — the REQUIRED section in production. They are
    # left out of every method's "for you" list, and members whose held-out item is one of them are not
    # scored (that item is listed first, in its own section, by construction).
    req = data["required"]
    gap_rows, gap_cols = [], []
    for r in range(req.shape[0]):
        ms = np.nonzero(data["role"] == r)[0]
        its = np.nonzero(req[r])[0]
        gap_rows.append(np.repeat(ms, len(its)))
        gap_cols.append(np.tile(its, len(ms)))
    gaps = sp.csr_matrix((np.ones(sum(len(g) for g in gap_rows), dtype=np.float32),
                          (np.concatenate(gap_rows), np.concatenate(gap_cols))), shape=(n_m, n_i))
    elective_test = ~req[data["role"][te_m], te_i]
    n_required_held_out = int((~elective_test).sum())
    te_m, te_i = te_m[elective_test], te_i[elective_test]
    candidates = allowed & ~req
    peer_groups = [data["branch"] * len(ROLES) + data["role"], data["role"]]

    # ---- our recommender: everything from raw arrays to ranked, explained lists, timed.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    features = content.item_features(data["texts"])
    t_features = time.perf_counter() - t0
    W = engine.completion_matrix(tr_m, tr_i, DAYS - tr_t, n_m, n_i, params)
    S_content = engine.content_similarity(features, params)
    model = engine.build_model(W, peer_groups=peer_groups, S_content=S_content, params=params)
    t_model = time.perf_counter() - t0 - t_features
    result = engine.recommend(W, model, allowed=(vis_group, allowed), gaps=gaps, params=params)
    compute_s = time.perf_counter() - t0
    t_scoring = compute_s - t_features - t_model
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"compute all: {compute_s:.1f} s (content features {t_features:.1f} s, model {t_model:.1f} s, "
          f"scoring + reasons {t_scoring:.1f} s); {len(result):,} recommendations; "
          f"process peak RSS {rss_peak:.0f} MiB (before computing: {rss_before:.0f} MiB)")

    ours = metrics(result_top(result, te_m, n_m), te_i)
    reasons = np.bincount(result.reason[result.section == engine.Section.FOR_YOU], minlength=7)
    reason_share = {engine.Reason(code).name.lower(): round(float(reasons[code] / max(reasons.sum(), 1)), 3)
                    for code in range(1, 7) if reasons[code]}

    # ---- baselines, same candidates.
    global_pop = np.asarray((W > 0).sum(axis=0)).ravel().astype(np.float64)
    glob_top = rank_by_scores(lambda rows: np.tile(global_pop, (len(rows), 1)), W, candidates, vis_group, te_m)
    role_pop = np.vstack([np.asarray((W[np.nonzero(data["role"] == r)[0]] > 0).sum(axis=0)).ravel()
                          for r in range(len(ROLES))]).astype(np.float64)
    role_top = rank_by_scores(lambda rows: role_pop[data["role"][rows]], W, candidates, vis_group, te_m)
    glob = metrics(glob_top, te_i)
    role = metrics(role_top, te_i)

    # Cold start: members with no history get peer (branch × role) popularity.
    cold = np.nonzero(np.diff(W.indptr) == 0)[0]

    print(f"{'method':<20}{'hit@10':>10}{'ndcg@10':>10}")
    for name, m in (("recommender", ours), ("global_popularity", glob), ("role_popularity", role)):
        print(f"{name:<20}{m['hit_rate@10']:>10.4f}{m['ndcg@10']:>10.4f}")
    lift = ours["hit_rate@10"] / glob["hit_rate@10"] if glob["hit_rate@10"] else float("inf")
    print(f"lift over global popularity: {lift:.2f}× (target ≥ 1.5×); reasons: {reason_share}")
    summary = {
        "bench": "recommend_eval",
        "members": n_m,
        "items": n_i,
        "completions": int(len(data["member"])),
        "held_out_scored": int(len(te_m)),
        "held_out_required_not_scored": n_required_held_out,
        "cold_start_members": int(len(cold)),
        "recommender": ours,
        "global_popularity": glob,
        "role_popularity": role,
        "hit_rate_lift_vs_global": round(lift, 2),
        "target_lift": 1.5,
        "lift_ok": bool(lift >= 1.5),
        "compute_all_s": round(compute_s, 1),
        "content_features_s": round(t_features, 1),
        "model_s": round(t_model, 1),
        "scoring_s": round(t_scoring, 1),
        "target_compute_s": 60,
        "compute_ok": bool(compute_s <= 60),
        "peak_rss_mib": round(rss_peak),
        "rss_before_compute_mib": round(rss_before),
        "reason_share": reason_share,
        "sparse": bool(sp.issparse(W)),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
