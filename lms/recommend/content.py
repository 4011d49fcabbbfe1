"""Content features of courses and talks: TF-IDF over jieba tokens (pure Python + scipy, no Django).

A document is an item's title (weighted ×3), its categories (one ``cat:<name>`` token each, ×2),
its summary and, for talks, the beginning of the transcript. Chinese is segmented as search
segments it (``lms.common.textanalysis.words``: jieba with the one domain lexicon, plus the lexicon words inside
longer words); single characters, numbers, punctuation and a short list of function words are
dropped, English words are lower-cased. Term weights are sublinear tf × smoothed idf, rows are
L2-normalized, so ``F @ F.T`` is the cosine similarity used by ``engine.content_similarity``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from lms.common import textanalysis

# Transcripts are long; their first few thousand characters carry the topic.
MAX_BODY_CHARS = 3000
TITLE_WEIGHT = 3
CATEGORY_WEIGHT = 2
STOPWORDS = frozenset(
    "的 了 和 与 及 以及 在 是 为 对 把 被 将 从 向 等 中 上 下 之 其 这 那 这个 那个 一个 我们 你们 他们 "
    "大家 自己 进行 开展 通过 关于 有关 如何 什么 可以 需要 要 也 都 就 还 并 而 或 或者 但 但是 如果 因为 所以 "
    "the a an and or of to in on for with by is are be this that it as at from".split()
)
WORD_RE = re.compile(r"[a-z][a-z0-9\-]+|[\u3400-\u4dbf\u4e00-\u9fff]{2,}")


def tokenize(text: str) -> list[str]:
    if not text:
        return []
    return [w for w in textanalysis.words(text, parts=True) if w not in STOPWORDS and WORD_RE.fullmatch(w)]


@dataclass
class ItemText:
    title: str = ""
    summary: str = ""
    categories: list[str] = field(default_factory=list)
    body: str = ""


def document_tokens(item: ItemText) -> list[str]:
    tokens = tokenize(item.title) * TITLE_WEIGHT
    for name in item.categories:
        if name:
            tokens += [f"cat:{name.strip().lower()}"] * CATEGORY_WEIGHT
    tokens += tokenize(item.summary)
    tokens += tokenize((item.body or "")[:MAX_BODY_CHARS])
    return tokens


def tfidf(documents: list[list[str]], max_df: float = 0.5, max_df_min_docs: int = 20) -> sp.csr_matrix:
    """L2-normalized sublinear TF-IDF rows; terms in more than ``max_df`` of the documents are dropped
    once there are at least ``max_df_min_docs`` documents (with fewer, every term is kept)."""
    n = len(documents)
    vocab: dict[str, int] = {}
    rows, cols, counts = [], [], []
    for r, tokens in enumerate(documents):
        for term, count in Counter(tokens).items():
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            counts.append(count)
    if not vocab:
        return sp.csr_matrix((n, 0), dtype=np.float32)
    rows_a, cols_a = np.asarray(rows), np.asarray(cols)
    tf = 1.0 + np.log(np.asarray(counts, dtype=np.float64))
    df = np.bincount(cols_a, minlength=len(vocab))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    keep = np.ones(len(vocab), dtype=bool)
    if n >= max_df_min_docs:
        keep = df <= max(1, math.floor(max_df * n))
    sel = keep[cols_a]
    data = (tf * idf[cols_a])[sel]
    F = sp.csr_matrix((data, (rows_a[sel], cols_a[sel])), shape=(n, len(vocab)), dtype=np.float64)
    norms = np.sqrt(np.asarray(F.multiply(F).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sp.diags(1.0 / norms) @ F).astype(np.float32).tocsr()


def item_features(items: list[ItemText]) -> sp.csr_matrix:
    return tfidf([document_tokens(item) for item in items])
