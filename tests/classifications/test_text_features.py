"""The coder's features equal scikit-learn's HashingVectorizer's (the oracle: decentwork hashes
its own features so that coding does not import scikit-learn, which costs a second)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from decentwork.classifications.text_features import FEATURES, Vectoriser, counts, head, normalise

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


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("Police Captain", ("captain", "police")),
        ("Captain of Police", ("captain", "police")),
        ("Captain, police", ("captain", "police")),
        ("Humanities Professor", ("professor", "humanity")),
        ("Wood Fence Erectors", ("erector", "fence")),
        ("Transportation Worker", ("worker", "transportation")),
        ("Laboratory Manager (Lab Manager)", ("manager", "laboratory")),
        ("Mechanic, engine: motor vehicle", ("mechanic", "engine")),
        ("agent de sécurité", ("agent", "sécurité")),
        ("Bus", ("bus", "")),
        ("Boss", ("boss", "")),
        ("Speech-Language Technicians", ("technician", "speech-language")),
        ("技术编辑", ("技术编辑", "")),
        ("--", ("", "")),
        ("of", ("of", "")),
    ],
)
def test_head_word_and_modifier(title: str, found: tuple[str, str]) -> None:
    assert head(title) == found


def test_head_features_are_a_third_block() -> None:
    """With ``heads``, the n-grams and words are unchanged and a title's head alone and with
    its modifier fill a third block of columns; "captain of police" and "police captain"
    share them, a definition (over ``HEAD_WORDS`` words) has none."""
    texts = ["police captain", "captain of police", "a b c d e f g h i j"]
    plain, headed = counts(texts), counts(texts, heads=True)
    assert headed.shape == (3, 3 * FEATURES)
    assert abs(headed[:, : 2 * FEATURES] - plain).sum() == 0
    extra = headed[:, 2 * FEATURES :]
    assert extra[0].nnz == 2 and (extra[0] != extra[1]).nnz == 0
    assert extra[2].nnz == 0
    vectoriser = Vectoriser.fit(texts, min_titles=1, heads=True)
    assert vectoriser.heads and vectoriser.columns.max() >= 2 * FEATURES
    assert vectoriser.transform(["Police Captains"]).nnz > 0
    assert not Vectoriser.fit(texts, min_titles=1).heads
