"""Content features: jieba-segmented TF-IDF, so related Chinese texts end up close."""

import numpy as np

from lms.recommend import content, engine
from lms.recommend.content import ItemText


def test_tokenize_segments_chinese_and_drops_function_words():
    tokens = content.tokenize("学习贯彻中央八项规定精神的要点和案例")
    assert "八项规定" in tokens and "精神" in tokens and "案例" in tokens
    assert "的" not in tokens and "和" not in tokens
    assert all(len(t) >= 2 for t in tokens)
    assert content.tokenize("Safety briefing, Q3!") == ["safety", "briefing", "q3"]
    assert content.tokenize("") == []


def test_related_items_are_more_similar_than_unrelated_ones():
    items = [
        ItemText("廉洁从业警示教育", "严守八项规定，廉洁从业警示案例", ["廉洁教育"]),
        ItemText("八项规定精神解读", "中央八项规定精神与廉洁从业要求", ["廉洁教育"]),
        ItemText("安全生产专题培训", "安全生产责任制与隐患排查", ["安全生产"]),
        ItemText("消防安全演练", "", ["安全生产"], body="安全生产，隐患排查，应急演练。"),
    ]
    F = content.item_features(items)
    sim = (F @ F.T).toarray()
    assert np.allclose(np.diag(sim), 1.0, atol=1e-5)  # rows are L2-normalized
    assert sim[0, 1] > 0.2 and sim[0, 1] > 3 * sim[0, 2]
    assert sim[2, 3] > sim[2, 0]
    T = engine.content_similarity(F)
    assert T[0, 0] == 0  # an item is not its own neighbour
    assert T[0, 1] > 0 and T[2, 3] > 0


def test_empty_documents_give_empty_rows():
    F = content.item_features([ItemText(), ItemText("党史学习")])
    assert F.shape[0] == 2 and F[0].nnz == 0
