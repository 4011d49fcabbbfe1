"""The pure recommender over arrays: exclusions, ranking signals, reasons, gaps, cold start."""

import numpy as np
import pytest
import scipy.sparse as sp

from lms.recommend import engine
from lms.recommend.engine import Reason, Section


def matrix(rows, n_members, n_items, ages=None):
    """rows: list of (member, item) completions, all 1 day old unless ``ages`` says otherwise."""
    m = np.array([r[0] for r in rows])
    i = np.array([r[1] for r in rows])
    age = np.array(ages if ages is not None else [1.0] * len(rows))
    return engine.completion_matrix(m, i, age, n_members, n_items)


def for_you(result, member):
    sel = (result.member == member) & (result.section == Section.FOR_YOU)
    return list(result.item[sel]), list(result.reason[sel]), list(result.reason_item[sel])


def test_decay_weights_halve_at_the_half_life_and_keep_a_floor():
    p = engine.Params(half_life_days=90, min_weight=0.1)
    w = engine.decay_weights(np.array([0, 90, 10_000]), p)
    assert w[0] == pytest.approx(1.0)
    assert w[1] == pytest.approx(0.1 + 0.9 * 0.5, rel=1e-5)
    assert w[2] == pytest.approx(0.1, abs=1e-4)


def test_completion_matrix_keeps_the_most_recent_repeat_and_rejects_bad_indices():
    W = engine.completion_matrix(np.array([0, 0]), np.array([1, 1]), np.array([400.0, 0.0]), 2, 3)
    assert W.nnz == 1 and W[0, 1] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        engine.completion_matrix(np.array([2]), np.array([0]), np.array([0.0]), 2, 3)


def test_similarity_is_normalized_against_popularity():
    # Item 0 is completed by everyone; items 1 and 2 always together by a few members.
    rows = [(m, 0) for m in range(20)] + [(m, 1) for m in range(3)] + [(m, 2) for m in range(3)]
    S, co = engine.item_similarity(matrix(rows, 20, 3))
    assert co[1, 2] == 3 and co[1, 0] == 3
    assert S[1, 2] > 2 * S[1, 0]  # co-completion by the same 3 beats "everyone did item 0"


def test_never_recommends_completed_disallowed_or_excluded_items():
    rows = [(m, i) for m in range(1, 6) for i in range(5)] + [(0, 0)]
    W = matrix(rows, 6, 5)
    model = engine.build_model(W)
    allowed = (np.zeros(6, dtype=int), np.array([[True, True, True, False, True]]))
    exclude = sp.csr_matrix(([1.0], ([0], [4])), shape=(6, 5))
    result = engine.recommend(W, model, members=[0], allowed=allowed, exclude=exclude)
    items, _reasons, _ritems = for_you(result, 0)
    assert sorted(items) == [1, 2]


def test_collaborative_reason_names_the_completed_item_behind_it():
    # Members 1-4 completed 0 and 1; members 5-8 completed 2 and 3. Member 0 completed 0.
    rows = [(m, 0) for m in range(1, 5)] + [(m, 1) for m in range(1, 5)]
    rows += [(m, 2) for m in range(5, 9)] + [(m, 3) for m in range(5, 9)] + [(0, 0)]
    W = matrix(rows, 9, 4)
    result = engine.recommend(W, engine.build_model(W))
    items, reasons, ritems = for_you(result, 0)
    assert items[0] == 1
    assert reasons[0] == Reason.COMPLETED_WITH and ritems[0] == 0


def test_recent_history_weighs_more_than_old_history():
    # Member 0 completed item 0 long ago and item 2 yesterday; 1 goes with 0, 3 goes with 2.
    rows = [(m, 0) for m in range(1, 4)] + [(m, 1) for m in range(1, 4)]
    rows += [(m, 2) for m in range(4, 7)] + [(m, 3) for m in range(4, 7)] + [(0, 0), (0, 2)]
    ages = [5.0] * 12 + [700.0, 1.0]
    W = matrix(rows, 7, 4, ages)
    items, _r, ritems = for_you(engine.recommend(W, engine.build_model(W), members=[0]), 0)
    assert items[:2] == [3, 1] and ritems[0] == 2


def test_content_similarity_reason_when_only_the_text_connects_items():
    W = matrix([(0, 0), (1, 2), (2, 2), (3, 2)], 4, 3)
    S_content = sp.csr_matrix(np.array([[0, 0.8, 0], [0.8, 0, 0], [0, 0, 0]], dtype=np.float32))
    model = engine.build_model(W, S_content=S_content)
    items, reasons, ritems = for_you(engine.recommend(W, model, members=[0]), 0)
    k = items.index(1)
    assert reasons[k] == Reason.SIMILAR_CONTENT and ritems[k] == 0
    # Item 2 has no link to member 0's history: it comes from popularity (and ranks first: 3 members).
    assert reasons[items.index(2)] == Reason.POPULAR


def test_cold_start_uses_the_first_peer_level_with_enough_support():
    # Groups level 0: members 0-4 in group 0 (0 has no history), 5-9 in group 1; level 1: everybody in 0.
    rows = [(m, 0) for m in range(1, 5)] + [(m, 1) for m in range(5, 10)] + [(m, 2) for m in range(5, 10)]
    W = matrix(rows, 11, 3)
    level0 = np.array([0] * 5 + [1] * 5 + [2])
    level1 = np.zeros(11, dtype=int)
    model = engine.build_model(W, peer_groups=[level0, level1])
    result = engine.recommend(W, model, members=[0, 10], params=engine.Params(min_peers=3))
    items, reasons, _ = for_you(result, 0)
    assert items[0] == 0 and reasons[0] == Reason.PEERS  # the own group's favourite, not the global one
    items, reasons, _ = for_you(result, 10)  # alone in its group: falls back to the role level
    assert set(reasons) == {Reason.ROLE_PEERS} and items[0] in (1, 2)
    no_levels = engine.recommend(W, engine.build_model(W), members=[0])
    assert set(for_you(no_levels, 0)[1]) == {Reason.POPULAR}


def test_gaps_come_first_by_priority_and_are_not_repeated():
    rows = [(m, i) for m in range(1, 4) for i in range(5)] + [(0, 3)]
    W = matrix(rows, 4, 5)
    gaps = sp.csr_matrix(([5.0, 9.0, 7.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 5))
    result = engine.recommend(W, engine.build_model(W), members=[0], gaps=gaps)
    req = result.section == Section.REQUIRED
    assert list(result.item[req]) == [2, 1]  # 3 is done already
    assert set(result.reason[req]) == {Reason.REQUIRED}
    items, _r, _ri = for_you(result, 0)
    assert set(items) == {0, 4}
    assert list(result.section) == sorted(result.section)  # required section first


def test_batches_give_the_same_result_as_one_pass():
    rng = np.random.default_rng(3)
    rows = list({(int(m), int(i)) for m, i in zip(rng.integers(0, 200, 3000), rng.integers(0, 60, 3000),
                                                    strict=True)})
    W = matrix(rows, 200, 60)
    model = engine.build_model(W, peer_groups=[rng.integers(0, 5, 200)])
    a = engine.recommend(W, model, params=engine.Params(batch_size=7))
    b = engine.recommend(W, model, params=engine.Params(batch_size=4096))
    assert np.array_equal(a.member, b.member) and np.array_equal(a.item, b.item)
    assert np.array_equal(a.reason, b.reason) and np.array_equal(a.reason_item, b.reason_item)
    # Each member: at most top_k, none of them completed.
    done = set(rows)
    assert not any((m, i) in done for m, i in zip(a.member.tolist(), a.item.tolist(), strict=True))
    assert np.bincount(a.member).max() <= engine.Params().top_k
