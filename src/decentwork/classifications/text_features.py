"""Text as vectors for the occupation coder: hashed character n-grams (they need no word
segmentation, so Chinese, Khmer and Lao work as well as English) and words, TF-IDF weighted
and scaled to unit length."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

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


_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=FEATURES,
                           alternate_sign=False, norm=None, lowercase=False,
                           preprocessor=normalise)
_WORDS = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=FEATURES,
                           alternate_sign=False, norm=None, lowercase=False,
                           preprocessor=normalise, token_pattern=r"(?u)\b\w+\b")


def counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Sub-linear term counts: character n-grams in the first FEATURES columns, words in the
    next FEATURES."""
    found = sp.hstack([_CHARS.transform(texts), _WORDS.transform(texts)], format="csr")
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
        documents = np.bincount(counts(texts).indices, minlength=2 * FEATURES)
        columns = np.flatnonzero(documents >= min(min_titles, len(texts)))
        idf = np.log((1 + len(texts)) / (1 + documents[columns])) + 1
        return cls(columns, idf.astype(np.float32))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The texts as unit vectors over ``columns``."""
        found = counts(texts)[:, self.columns]
        return normalize(found @ sp.diags(self.idf), copy=False).astype(np.float32).tocsr()
