"""The coder's features equal scikit-learn's HashingVectorizer's (the oracle: decentwork hashes
its own features so that coding does not import scikit-learn, which costs a second)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from decentwork.classifications.text_features import FEATURES, Vectoriser, counts, normalise

_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(2, 4),
    n_features=FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    preprocessor=normalise,
)
_WORDS = HashingVectorizer(
    analyzer="word",
    ngram_range=(1, 2),
    n_features=FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    preprocessor=normalise,
    token_pattern=r"(?u)\b\w+\b",
)
TITLES = [
    "sewing machine operator",
    "Motorbike taxi driver",
    "技术编辑",
    "ជាងកាត់ដេរ",
    "ຊ່າງຕັດຫຍິບ",
    "a",
    "x y",
    "--",
    "O'Brien's co-op  manager (m/f/d)",
    "Ingeniero/a de caminos, canales y puertos",
    "aa aa aa",
]


def oracle(texts: list[str]) -> sp.csr_matrix:
    found = sp.hstack([_CHARS.transform(texts), _WORDS.transform(texts)], format="csr")
    found.data = 1 + np.log(found.data)
    return found


def test_counts_equal_scikit_learns() -> None:
    mine, theirs = counts(TITLES), oracle(TITLES)
    assert mine.shape == theirs.shape == (len(TITLES), 2 * FEATURES)
    assert mine.nnz == theirs.nnz > 0
    assert abs(mine - theirs).max() == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_counts_equal_scikit_learns_on_any_text(texts: list[str]) -> None:
    assert abs(counts(texts) - oracle(texts)).sum() == 0


def test_vectors_are_unit_length_tf_idf() -> None:
    vectoriser = Vectoriser.fit(TITLES, min_titles=1)
    mine = vectoriser.transform(TITLES)
    theirs = normalize(oracle(TITLES)[:, vectoriser.columns] @ sp.diags(vectoriser.idf))
    np.testing.assert_allclose(mine.toarray(), theirs.toarray(), rtol=1e-6, atol=1e-7)
    empty = vectoriser.transform(["--"])
    assert empty.nnz == 0 and empty.shape == (1, len(vectoriser.columns))
