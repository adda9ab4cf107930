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
"""Hash buckets per kind of feature (character n-grams, words, then a title's head)."""
HEAD_WEIGHT = 1.0
"""The head features' count, against 1 for each n-gram and word: at 3 they cost a point of
top-3 accuracy on held-out ESCO labels and on O*NET titles; at 1 they gain a little
everywhere (docs/benchmarks.md)."""
HEAD_WORDS = 8
_HEAD_WORD = re.compile(r"\w+(?:-\w+)*")
_QUALIFIER = re.compile(r"\(.*?\)|\[.*?\]")
_CUT = re.compile("[,:;/(\\[]| [-\u2013\u2014] ")
_PREPOSITIONS = frozenset(
    {"of", "for", "in", "at", "to", "on", "with", "de", "d", "du", "des", "del", "à", "en", "pour"}
    | {"para", "por", "con"}
)


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


def head(text: str) -> tuple[str, str]:
    """A job title's head word and the modifier that narrows it, singular, from the title's
    first part (before a comma, bracket, colon or dash): the last word before a preposition
    (English, French or Spanish), or the last word. The modifier is the word before the head,
    else the first word after the preposition, else the first word of the second part: "police
    captains", "captain of police" and "Captain, police" all give ("captain", "police"), and
    "agent de sécurité" gives ("agent", "sécurité"). Empty for an empty title."""
    parts = _CUT.split(_QUALIFIER.sub(" ", unicodedata.normalize("NFKC", text).casefold()))
    words = _HEAD_WORD.findall(parts[0])
    cut = next((i for i, word in enumerate(words) if word in _PREPOSITIONS and i), len(words))
    before, after = words[:cut], words[cut + 1 :]
    if not before:
        return "", ""
    rest = [w for part in parts[1:] for w in _HEAD_WORD.findall(part)]
    modifier = before[-2] if len(before) > 1 else next(iter(after or rest), "")
    return _singular(before[-1]), _singular(modifier)


def _singular(word: str) -> str:
    """``word`` without an English plural's s ("officers" -> "officer", "humanities" ->
    "humanity"; "boss", "bus" and short words stay)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if len(word) > 3 and word.endswith("s") and word[-2] not in "su" else word


def _head_features(text: str) -> list[int]:
    """The hash buckets of the head word alone and with its modifier, offset by
    2 x FEATURES; none for a text of more than ``HEAD_WORDS`` words (a definition)."""
    word, modifier = head(text) if len(text.split()) <= HEAD_WORDS else ("", "")
    terms = [f"head {word}", f"head {modifier} {word}"] if modifier else [f"head {word}"]
    return [2 * FEATURES + abs(mmh3.hash(t)) % FEATURES for t in terms] if word else []


def counts(texts: Sequence[str], heads: bool = False) -> sp.csr_matrix:
    """Sub-linear term counts: character n-grams in the first FEATURES columns, words in the
    next FEATURES, and with ``heads`` a title's head features (:func:`head`, at
    ``HEAD_WEIGHT``) in the next."""
    buckets = [_features(text) for text in texts]
    values = [np.ones(len(row)) for row in buckets]
    if heads:
        for row, (found, text) in enumerate(zip(buckets, texts, strict=True)):
            extra = _head_features(text)
            buckets[row] = found + extra
            values[row] = np.concatenate([values[row], np.full(len(extra), HEAD_WEIGHT)])
    columns = np.fromiter((b for row in buckets for b in row), dtype=np.int64)
    pointers = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in buckets], out=pointers[1:])
    found = sp.csr_matrix(
        (np.concatenate(values) if values else np.ones(0), columns, pointers),
        shape=(len(texts), (3 if heads else 2) * FEATURES),
    )
    found.sum_duplicates()
    found.data = 1 + np.log(found.data)
    return found


class Vectoriser:
    """Counts restricted to the features seen at least twice in training, IDF-weighted, unit
    length. ``columns`` (sorted hash buckets), ``idf`` and whether the counts include the
    head features (``heads``, see :func:`counts`) are all it keeps."""

    def __init__(self, columns: np.ndarray, idf: np.ndarray, heads: bool = False) -> None:
        self.columns, self.idf, self.heads = columns, idf, heads

    @classmethod
    def fit(cls, texts: Sequence[str], min_titles: int = 2, heads: bool = False) -> Vectoriser:
        """The features of ``texts`` that occur in at least ``min_titles`` of them."""
        return cls.fit_counts(counts(texts, heads), min_titles)

    @classmethod
    def fit_counts(cls, counted: sp.csr_matrix, min_titles: int = 2) -> Vectoriser:
        """:meth:`fit` on the texts' :func:`counts` (computed once for a fit and the
        transform of the same texts); the counts' width says whether they include heads."""
        n_texts = counted.shape[0]
        documents = np.bincount(counted.indices, minlength=counted.shape[1])
        columns = np.flatnonzero(documents >= min(min_titles, n_texts))
        idf = np.log((1 + n_texts) / (1 + documents[columns])) + 1
        return cls(columns, idf.astype(np.float32), counted.shape[1] > 2 * FEATURES)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The texts as unit vectors over ``columns``."""
        return self.transform_counts(counts(texts, self.heads))

    def transform_counts(self, counted: sp.csr_matrix) -> sp.csr_matrix:
        """:meth:`transform` on the texts' :func:`counts`."""
        found = (counted[:, self.columns] @ sp.diags(self.idf)).tocsr()
        lengths = np.sqrt(np.asarray(found.multiply(found).sum(axis=1)).ravel())
        lengths[lengths == 0] = 1
        return (sp.diags(1 / lengths) @ found).astype(np.float32).tocsr()
