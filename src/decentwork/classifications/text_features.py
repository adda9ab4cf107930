"""Text as vectors for the occupation coder: hashed character n-grams (they need no word
segmentation, so Chinese, Khmer and Lao work as well as English) and words, TF-IDF weighted
and scaled to unit length."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

import mmh3
import numpy as np
import scipy.sparse as sp

FEATURES = 2**20
"""Hash buckets per kind of feature (character n-grams, then words)."""


class _Spaces(dict[int, str]):
    """str.translate table: punctuation, symbols, separators and controls become spaces;
    letters, digits and marks (Khmer and Lao vowels are marks) stay. Filled as met."""

    def __missing__(self, code: int) -> str:
        kept = chr(code)
        self[code] = " " if unicodedata.category(kept)[0] in "PSZC" else kept
        return self[code]


_SPACES = _Spaces()


def normalise(text: str) -> str:
    """Case-folded, NFKC-normalised text with punctuation and symbols as single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_SPACES)
    return re.sub(r"\s+", " ", folded).strip()


_WORD = re.compile(r"\w+")


def _features(text: str) -> list[int]:
    """The hash buckets of ``text``'s features: character 2-4-grams of each word padded with a
    space either side (a word shorter than n, padded, counts once as itself), then words
    and word pairs, offset by FEATURES. MurmurHash3 (32-bit, seed 0) modulo FEATURES, so the
    buckets are scikit-learn's HashingVectorizer's (analyzers ``char_wb`` and ``word``)."""
    text = normalise(text)
    grams = []
    for word in text.split():
        padded = f" {word} "
        for size in (2, 3, 4):
            if len(padded) <= size:
                grams.append(padded)
                break
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    words = _WORD.findall(text)
    terms = [*words, *(f"{a} {b}" for a, b in pairwise(words))]
    return [abs(mmh3.hash(g)) % FEATURES for g in grams] + [
        FEATURES + abs(mmh3.hash(t)) % FEATURES for t in terms
    ]


def counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Sub-linear term counts: character n-grams in the first FEATURES columns, words in the
    next FEATURES."""
    buckets = [_features(text) for text in texts]
    columns = np.fromiter((b for row in buckets for b in row), dtype=np.int64)
    pointers = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in buckets], out=pointers[1:])
    found = sp.csr_matrix(
        (np.ones(len(columns)), columns, pointers), shape=(len(texts), 2 * FEATURES)
    )
    found.sum_duplicates()
    found.data = 1 + np.log(found.data)
    return found


class Vectoriser:
    """Counts restricted to the features seen at least twice in training, IDF-weighted, unit
    length. ``columns`` (sorted hash buckets) and ``idf`` are all it keeps."""

    def __init__(self, columns: np.ndarray, idf: np.ndarray) -> None:
        self.columns, self.idf = columns, idf

    @classmethod
    def fit(cls, texts: Sequence[str], min_titles: int = 2) -> Vectoriser:
        """The features of ``texts`` that occur in at least ``min_titles`` of them."""
        return cls.fit_counts(counts(texts), min_titles)

    @classmethod
    def fit_counts(cls, counted: sp.csr_matrix, min_titles: int = 2) -> Vectoriser:
        """:meth:`fit` on the texts' :func:`counts` (computed once for a fit and the
        transform of the same texts)."""
        n_texts = counted.shape[0]
        documents = np.bincount(counted.indices, minlength=2 * FEATURES)
        columns = np.flatnonzero(documents >= min(min_titles, n_texts))
        idf = np.log((1 + n_texts) / (1 + documents[columns])) + 1
        return cls(columns, idf.astype(np.float32))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The texts as unit vectors over ``columns``."""
        return self.transform_counts(counts(texts))

    def transform_counts(self, counted: sp.csr_matrix) -> sp.csr_matrix:
        """:meth:`transform` on the texts' :func:`counts`."""
        found = (counted[:, self.columns] @ sp.diags(self.idf)).tocsr()
        lengths = np.sqrt(np.asarray(found.multiply(found).sum(axis=1)).ravel())
        lengths[lengths == 0] = 1
        return (sp.diags(1 / lengths) @ found).astype(np.float32).tocsr()
