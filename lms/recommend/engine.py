"""The recommender core: pure functions over numpy / scipy.sparse arrays.

Nothing here touches Django, so the offline evaluation in ``bench/recommend_eval.py``
runs exactly this code on synthetic data of any size. ``lms.recommend.compute`` is the
thin database layer that builds these arrays and stores the result.

Indices: members ``0..n_members-1`` (rows), items ``0..n_items-1`` (columns; courses and
talks share one index space).

Signals, blended per member into one score for the "for you" section:

1. **Collaborative filtering** (item to item): the member × item matrix ``W`` holds one
   recency weight per completion (exponential time decay, floored so old history still
   counts a little). Item similarity is the cosine of ``W``'s columns — dividing the
   co-completion mass by both items' norms normalizes against popularity — damped by
   ``co / (co + shrink)`` so pairs seen together only once or twice do not dominate, and
   pruned to each item's ``neighbours`` nearest items. A member's CF score for item j is
   ``Σ_i W[u, i] · S[i, j]`` over the items i the member completed.
2. **Content similarity**: the same neighbourhood sum over an item × item similarity built
   from text features (``lms.recommend.content``: TF-IDF of jieba tokens).
3. **Peers / cold start**: how much the member's peer group completed each item (recency
   weighted). Peer groups come in levels (e.g. branch × role, then role); a member uses the
   first level whose group has at least ``min_peers`` members with history, else global
   popularity. For a member without history this is the whole score.

Each signal is scaled to a maximum of 1 per member before blending, and the reason of a
recommendation is the signal contributing most to its score (with, for CF and content,
the completed item contributing most). The member's gaps (required / assigned, not done)
form their own section, ranked by the priority the caller gives them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import scipy.sparse as sp


class Reason(IntEnum):
    REQUIRED = 1  # a gap: required or assigned, not done
    COMPLETED_WITH = 2  # members who completed an item you completed also completed this
    SIMILAR_CONTENT = 3  # close in content to an item you completed
    PEERS = 4  # often completed by your peer group (first level: same branch and role)
    ROLE_PEERS = 5  # often completed by your wider peer group (second level: same role)
    POPULAR = 6  # popular across the organization


class Section(IntEnum):
    REQUIRED = 1
    FOR_YOU = 2


# Reason codes of the peer levels, in order; global popularity comes after the last.
PEER_LEVEL_REASONS = (Reason.PEERS, Reason.ROLE_PEERS)


@dataclass(frozen=True)
class Params:
    half_life_days: float = 90.0  # a completion this old weighs half as much as today's …
    min_weight: float = 0.1  # … and no completion weighs less than this
    neighbours: int = 30  # item neighbourhood size kept per item
    shrink: float = 3.0  # co-count damping of the item similarity
    min_content_similarity: float = 0.05
    w_cf: float = 1.0
    w_content: float = 0.2
    w_peer: float = 1.0
    min_peers: int = 3  # members with history a peer group needs before it is used
    top_k: int = 10
    max_gaps: int = 20
    batch_size: int = 2048
    # Weak topics (lms.recommend.weak_topics): a question category scored below this share of the points, over at
    # least this many answered questions, brings up to ``weak_top_k`` of its courses first in "for you".
    weak_threshold: float = 0.6
    weak_min_questions: int = 3
    weak_top_k: int = 3


@dataclass
class Result:
    """One row per recommendation, sorted by member, section, rank."""

    member: np.ndarray
    item: np.ndarray
    section: np.ndarray
    rank: np.ndarray  # 0-based within (member, section)
    score: np.ndarray
    reason: np.ndarray
    reason_item: np.ndarray  # the completed item behind a CF / content reason, else -1
    peer_level: np.ndarray = field(default=None)  # the peer level used (-1: global popularity)

    def __len__(self) -> int:
        return len(self.member)


# --------------------------------------------------------------------------- matrices
def decay_weights(age_days: np.ndarray, params: Params = Params()) -> np.ndarray:
    age = np.clip(np.asarray(age_days, dtype=np.float64), 0, None)
    decay = np.exp(-math.log(2) * age / params.half_life_days)
    return (params.min_weight + (1 - params.min_weight) * decay).astype(np.float32)


def completion_matrix(member: np.ndarray, item: np.ndarray, age_days: np.ndarray, n_members: int,
                      n_items: int, params: Params = Params()) -> sp.csr_matrix:
    """Member × item recency weights; a repeated (member, item) keeps its most recent weight."""
    member = np.asarray(member, dtype=np.int64)
    item = np.asarray(item, dtype=np.int64)
    if len(member) and (member.min() < 0 or member.max() >= n_members or item.min() < 0 or item.max() >= n_items):
        raise ValueError("completion indices out of range")
    weights = decay_weights(age_days, params)
    if len(member):
        # Keep the largest weight per cell (= most recent completion), not the sum.
        order = np.lexsort((-weights, item, member))
        member, item, weights = member[order], item[order], weights[order]
        first = np.ones(len(member), dtype=bool)
        first[1:] = (member[1:] != member[:-1]) | (item[1:] != item[:-1])
        member, item, weights = member[first], item[first], weights[first]
    W = sp.csr_matrix((weights, (member, item)), shape=(n_members, n_items), dtype=np.float32)
    W.sort_indices()
    return W


def _prune_rows(M: sp.csr_matrix, k: int, minimum: float = 0.0, block: int = 512) -> sp.csr_matrix:
    """Keep each row's k largest entries above ``minimum``; drop the diagonal."""
    M = M.tocsr().astype(np.float32)
    n_rows, n_cols = M.shape
    rows, cols, vals = [], [], []
    for start in range(0, n_rows, block):
        dense = M[start:start + block].toarray()
        idx = np.arange(dense.shape[0])
        diag = start + idx
        inside = diag < n_cols
        dense[idx[inside], diag[inside]] = 0
        dense[dense <= minimum] = 0
        kk = min(k, n_cols)
        if kk < n_cols:
            part = np.argpartition(-dense, kk - 1, axis=1)[:, :kk]
        else:
            part = np.tile(np.arange(n_cols), (dense.shape[0], 1))
        top = np.take_along_axis(dense, part, axis=1)
        r, c = np.nonzero(top > 0)
        rows.append(r + start)
        cols.append(part[r, c])
        vals.append(top[r, c])
    if rows:
        rows_a, cols_a, vals_a = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        rows_a = cols_a = np.zeros(0, dtype=np.int64)
        vals_a = np.zeros(0, dtype=np.float32)
    out = sp.csr_matrix((vals_a, (rows_a, cols_a)), shape=M.shape, dtype=np.float32)
    out.sort_indices()
    return out


def item_similarity(W: sp.csr_matrix, params: Params = Params()) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(S, co_count): popularity-normalized, shrunk, pruned item-item cosine and raw co-completion counts."""
    Wc = W.tocsc().astype(np.float32)
    B = Wc.copy()
    B.data = np.ones_like(B.data)
    co_count = (B.T @ B).tocsr()
    co_count.setdiag(0)
    co_count.eliminate_zeros()
    co = (Wc.T @ Wc).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    norms = np.sqrt(np.asarray(Wc.multiply(Wc).sum(axis=0)).ravel()).astype(np.float32)
    norms[norms == 0] = 1
    # co and co_count share their sparsity pattern (both are products of the same support).
    co.sort_indices()
    co_count.sort_indices()
    rows = np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
    cos = co.data / (norms[rows] * norms[co.indices])
    damp = co_count.data / (co_count.data + params.shrink)
    S = sp.csr_matrix((cos * damp, co.indices.copy(), co.indptr.copy()), shape=co.shape, dtype=np.float32)
    return _prune_rows(S, params.neighbours), co_count


def content_similarity(features: sp.csr_matrix, params: Params = Params()) -> sp.csr_matrix:
    """Cosine between L2-normalized feature rows, pruned to the nearest ``neighbours`` items."""
    F = sp.csr_matrix(features, dtype=np.float32)
    T = (F @ F.T).tocsr()
    return _prune_rows(T, params.neighbours, params.min_content_similarity)


def group_popularity(W: sp.csr_matrix, groups: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """(P, support): recency-weighted completions of each group's members per item, as a share of the
    group's members with history; support = how many members with history each group has."""
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if len(groups) and groups.max() >= 0 else 0
    has_history = np.diff(W.indptr) > 0
    valid = (groups >= 0) & has_history
    members = np.nonzero(valid)[0]
    G = sp.csr_matrix((np.ones(len(members), dtype=np.float32), (groups[members], members)),
                      shape=(n_groups, W.shape[0]))
    support = np.bincount(groups[members], minlength=n_groups)
    P = (G @ W).tocsr().astype(np.float32)
    scale = 1.0 / np.maximum(support, 1)
    P = sp.diags(scale.astype(np.float32)) @ P
    return P.tocsr(), support


# --------------------------------------------------------------------------- scoring
@dataclass
class Model:
    """Everything scoring needs that does not depend on which members are scored."""

    S_cf: sp.csr_matrix
    S_content: sp.csr_matrix | None
    peer_levels: list[tuple[np.ndarray, sp.csr_matrix, np.ndarray]]  # (member → group, P, support)
    global_pop: np.ndarray


def build_model(W: sp.csr_matrix, *, peer_groups=(), S_content=None, params: Params = Params(),
                S_cf: sp.csr_matrix | None = None) -> Model:
    if S_cf is None:
        S_cf, _co = item_similarity(W, params)
    levels = []
    for groups in peer_groups:
        groups = np.asarray(groups, dtype=np.int64)
        if len(groups) != W.shape[0]:
            raise ValueError("a peer grouping needs one group per member")
        P, support = group_popularity(W, groups)
        levels.append((groups, P, support))
    n_hist = max(int((np.diff(W.indptr) > 0).sum()), 1)
    global_pop = (np.asarray(W.sum(axis=0)).ravel() / n_hist).astype(np.float32)
    return Model(S_cf=S_cf, S_content=S_content, peer_levels=levels, global_pop=global_pop)


def _row_max_scale(X: np.ndarray) -> np.ndarray:
    peak = X.max(axis=1, keepdims=True)
    peak[peak <= 0] = 1
    return X / peak


def _best_history_item(Wb: sp.csr_matrix, S: sp.csr_matrix, pair_row: np.ndarray,
                       pair_item: np.ndarray) -> np.ndarray:
    """For each (member row, item) pair, the completed item i maximizing W[row, i] · S[i, item] (-1: none)."""
    out = np.full(len(pair_row), -1, dtype=np.int64)
    if not len(pair_row) or S is None:
        return out
    counts = np.diff(Wb.indptr)[pair_row]
    total = int(counts.sum())
    if total == 0:
        return out
    pair_idx = np.repeat(np.arange(len(pair_row)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.repeat(Wb.indptr[pair_row], counts) + offsets
    hist_item = Wb.indices[pos]
    vals = Wb.data[pos] * np.asarray(S[hist_item, pair_item[pair_idx]]).ravel()
    order = np.lexsort((-vals, pair_idx))
    pair_sorted = pair_idx[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair_sorted[1:] != pair_sorted[:-1]
    chosen = order[first]
    good = vals[chosen] > 0
    out[pair_idx[chosen][good]] = hist_item[chosen][good]
    return out


def recommend(W: sp.csr_matrix, model: Model, *, members=None, allowed=None, exclude=None, gaps=None,
              params: Params = Params()) -> Result:
    """Recommendations for ``members`` (indices; default all).

    ``allowed``: ``(member → visibility group, bool matrix groups × items)`` — items a member may be
    recommended in the "for you" section (published, visible, meant for them); ``None`` allows all.
    ``exclude``: sparse member × item, nonzero = never recommend (dismissed).
    ``gaps``: sparse member × item priorities (> 0, higher first) of required / assigned items not done;
    they form the REQUIRED section and are left out of "for you".
    Completed items (nonzero in ``W``) are never recommended in either section.
    """
    n_members, n_items = W.shape
    members = np.arange(n_members) if members is None else np.asarray(members, dtype=np.int64)
    if allowed is not None:
        vis_group, allowed_mask = allowed
        vis_group = np.asarray(vis_group, dtype=np.int64)
        allowed_mask = np.asarray(allowed_mask, dtype=bool)
        if allowed_mask.shape[1] != n_items or len(vis_group) != n_members:
            raise ValueError("allowed mask does not match the completion matrix")
    exclude = exclude.tocsr() if exclude is not None else None
    gaps = gaps.tocsr() if gaps is not None else None
    parts: list[tuple] = []
    for start in range(0, len(members), params.batch_size):
        rows = members[start:start + params.batch_size]
        parts.append(_recommend_batch(W, model, rows, allowed if allowed is None else (vis_group, allowed_mask),
                                      exclude, gaps, params))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Result(empty, empty, empty, empty, np.zeros(0, dtype=np.float32), empty, empty, empty)
    cols = list(zip(*parts, strict=True))
    return Result(*(np.concatenate(c) for c in cols))


def _recommend_batch(W, model: Model, rows, allowed, exclude, gaps, params: Params):
    b = len(rows)
    n_items = W.shape[1]
    Wb = W[rows]
    Wb.sort_indices()

    # Peer signal: first level with enough support, else global popularity.
    peer = np.tile(model.global_pop, (b, 1))
    level_used = np.full(b, -1, dtype=np.int64)
    for level, (groups, P, support) in enumerate(model.peer_levels):
        g = groups[rows]
        ok = (level_used < 0) & (g >= 0)
        ok[ok] = support[g[ok]] >= params.min_peers
        if ok.any():
            peer[ok] = P[g[ok]].toarray()
            level_used[ok] = level
    peer = _row_max_scale(peer)

    cf = _row_max_scale((Wb @ model.S_cf).toarray())
    score = params.w_peer * peer + params.w_cf * cf
    if model.S_content is not None:
        content = _row_max_scale((Wb @ model.S_content).toarray())
        score += params.w_content * content
    else:
        content = np.zeros_like(cf)
    # A member without history is scored by peers alone (cf and content are zero anyway).

    blocked = np.zeros((b, n_items), dtype=bool)
    hist_rows = np.repeat(np.arange(b), np.diff(Wb.indptr))
    blocked[hist_rows, Wb.indices] = True
    done = blocked.copy()
    if allowed is not None:
        vis_group, allowed_mask = allowed
        blocked |= ~allowed_mask[vis_group[rows]]
    if exclude is not None:
        Eb = exclude[rows]
        blocked[np.repeat(np.arange(b), np.diff(Eb.indptr)), Eb.indices] = True

    out_m, out_i, out_sec, out_rank, out_score, out_reason, out_ritem, out_level = ([] for _ in range(8))

    # Section 1: gaps, by priority; never completed ones, never repeated in "for you".
    if gaps is not None:
        Gb = gaps[rows].tocoo()
        keep = (Gb.data > 0) & ~done[Gb.row, Gb.col]
        g_row, g_col, g_pri = Gb.row[keep], Gb.col[keep], Gb.data[keep]
        blocked[Gb.row, Gb.col] = True
        order = np.lexsort((g_col, -g_pri, g_row))
        g_row, g_col, g_pri = g_row[order], g_col[order], g_pri[order]
        starts = np.searchsorted(g_row, g_row, side="left")
        rank = np.arange(len(g_row)) - starts
        keep = rank < params.max_gaps
        g_row, g_col, g_pri, rank = g_row[keep], g_col[keep], g_pri[keep], rank[keep]
        n = len(g_row)
        out_m.append(rows[g_row])
        out_i.append(g_col.astype(np.int64))
        out_sec.append(np.full(n, Section.REQUIRED, dtype=np.int64))
        out_rank.append(rank.astype(np.int64))
        out_score.append(g_pri.astype(np.float32))
        out_reason.append(np.full(n, Reason.REQUIRED, dtype=np.int64))
        out_ritem.append(np.full(n, -1, dtype=np.int64))
        out_level.append(np.full(n, -1, dtype=np.int64))

    # Section 2: "for you".
    score[blocked] = -np.inf
    k = min(params.top_k, n_items)
    top = np.argpartition(-score, k - 1, axis=1)[:, :k] if k < n_items else np.tile(np.arange(n_items), (b, 1))
    top_score = np.take_along_axis(score, top, axis=1)
    order = np.argsort(-top_score, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_score = np.take_along_axis(top_score, order, axis=1)
    r, c = np.nonzero(top_score > 0)  # drops blocked (-inf) and signal-less items
    pair_row, pair_item, pair_score = r, top[r, c], top_score[r, c]

    comps = np.stack([
        params.w_cf * cf[pair_row, pair_item],
        params.w_content * content[pair_row, pair_item],
        params.w_peer * peer[pair_row, pair_item],
    ])
    which = np.argmax(comps, axis=0)
    levels = level_used[pair_row]
    peer_reason = np.full(len(pair_row), Reason.POPULAR, dtype=np.int64)
    for level, code in enumerate(PEER_LEVEL_REASONS):
        peer_reason[levels == level] = code
    reason = np.where(which == 0, Reason.COMPLETED_WITH, np.where(which == 1, Reason.SIMILAR_CONTENT, peer_reason))
    reason_item = np.full(len(pair_row), -1, dtype=np.int64)
    for code, S in ((Reason.COMPLETED_WITH, model.S_cf), (Reason.SIMILAR_CONTENT, model.S_content)):
        sel = reason == code
        if sel.any():
            reason_item[sel] = _best_history_item(Wb, S, pair_row[sel], pair_item[sel])
    # Defensive: a CF/content reason must name an item; fall back to the peer reason otherwise.
    missing = (reason_item < 0) & ((reason == Reason.COMPLETED_WITH) | (reason == Reason.SIMILAR_CONTENT))
    reason[missing] = peer_reason[missing]

    out_m.append(rows[pair_row])
    out_i.append(pair_item.astype(np.int64))
    out_sec.append(np.full(len(pair_row), Section.FOR_YOU, dtype=np.int64))
    out_rank.append(c.astype(np.int64))
    out_score.append(pair_score.astype(np.float32))
    out_reason.append(reason.astype(np.int64))
    out_ritem.append(reason_item)
    out_level.append(levels)

    order = np.lexsort((np.concatenate(out_rank), np.concatenate(out_sec), np.concatenate(out_m)))
    return tuple(np.concatenate(x)[order] for x in
                 (out_m, out_i, out_sec, out_rank, out_score, out_reason, out_ritem, out_level))
