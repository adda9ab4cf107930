"""A model that codes free text to a hierarchical classification (ISCO-08, CSCO 2022...).

- A linear classifier (modified Huber loss, stochastic gradient descent) over
  :mod:`text_features` vectors, plus a multinomial naive Bayes model's log-likelihoods over
  the same vectors (added to the classifier's weights, so they cost nothing when coding),
  scores every group of the deepest level; a group higher up scores as its best member, so
  one set of scores serves every level (hierarchy-aware: a text unsure between two unit
  groups of one minor group can be sure of the minor group, and a group's confidence is
  never below that of the group below it).
- Confidence is calibrated: titles of a random tenth of the groups of labels (e.g. whole ESCO
  occupations) are held out, a model fitted on the rest codes their short titles (not their
  definitions, which are easier), and the share of right answers by margin (best score minus
  the runner-up's) is fitted isotonically, level by level.
  So "0.9" means right about nine times in ten on titles the model has not seen.
- A text that is verbatim (after normalisation) one of the training titles, all coded alike,
  gets that code first, with the confidence calibration gives its (large) margin: a title
  users type often means something else than the same label in ESCO.
- Examples a user codes (any language, any level) form a memory: the nearest examples vote
  for their codes, and a near-identical example settles the matter. Adding examples needs no
  refit.

The model knows nothing of ISCO: every title carries its path of codes from the top level
down (``("7", "75", "753", "7533")``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from decentwork.classifications.text_features import Vectoriser, counts, normalise

T = TypeVar("T")
_Pairs = dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]
"""Per level: margins, whether right, whether verbatim a training title (:meth:`_pairs`)."""
REGULARISATION = 1e-5
EPOCHS = 8
"""The classifier's penalty (alpha) and passes over the titles, chosen on held-out ESCO
labels (benchmarks/occupation_coder.py): a linear SVM did 2 points worse in 3 times the time."""
BAYES_WEIGHT = 0.1
BAYES_SMOOTHING = 3e-5
"""Naive Bayes log-likelihoods (additive smoothing 3e-5) are added to the classifier's scores
at weight 0.1; chosen on held-out ESCO labels: +2.7 points top-1 and +3.9 top-3 at 4 digits
(naive Bayes alone: 2 points worse than the classifier at top-1, 3 better at top-3)."""
MEMORY_WEIGHT = 30.0
MEMORY_NEIGHBOURS = 20
MEMORY_BEST = 3
"""User examples vote: among a text's 20 nearest examples, each code adds 30 x the sum of its
3 best similarities (0-1) to its score; chosen on the Polish job ads (5-fold): 49.7 % top-1
at 4 digits, against 17 % for a vote of the single nearest example at weight 2. Naive Bayes
made the model's scores about twice as spread out, so the weight went from 10 to 30 (20:
2.4 points worse on those ads; 60: 2.7 better, but heavier votes would let barely similar
examples overrule the model on short titles)."""
EXACT_BONUS = 10.0
"""Added to the scores under the code of a title or example the text is verbatim."""
SETTLED = 0.99
SETTLED_WEIGHT = 10
"""The confidence of a code that a verbatim example of the user's settles: 0.99, drawn
towards how often two of the user's examples with the same text have the same code (as if
the user's examples held 10 pairs agreeing 99 times in 100 besides their own): on the Polish
job ads, 6 of the 49 pairs of identical ads have the same code, so a verbatim ad settles at
0.27 there (its calibrated confidence, when higher, stays), where a dictionary without
conflicting entries settles at 0.99."""
CALIBRATION_SHARE = 0.1
TITLE_WORDS = 8
TITLE_CHARACTERS = 60
UNSPACED_CHARACTERS = 20
"""Confidence is calibrated on the held-out texts that look like what users type: titles of
at most 8 words and 60 characters, or 20 in a script written without spaces (Chinese), not
definitions and descriptions, which are coded more surely."""
MEMORY_CALIBRATION = 30
MEMORY_SAMPLE = 2_000
"""With 30 examples or more, confidence is recalibrated on (at most 2,000 of) them."""
HEADS = True
"""Whether a title's head word and its modifier are features of their own
(:func:`text_features.head`)."""
VERBATIM_CALIBRATION = 50
"""Texts verbatim a training title get a calibration of their own (on their margin without
the verbatim bonus) when at least 50 of the held-out titles are."""
SEED = 20261127
EXAMPLE_COPIES = 3
EXAMPLE_FOLDS = 2
"""A refit with a user's examples (:meth:`TitleModel.refit`) has each example three times
among its training texts (docs/benchmarks.md: 52.9 % top-1 on the Polish ads against 49.2 %
with their votes alone), and is calibrated on two folds of them, each coded by a model
fitted with the other's (three fits in all)."""
PRECISION = 0
"""``calibration[PRECISION]``: the held-out titles' calibrated confidences at the deepest
level (ascending) and, for each, the share right of the titles at or above it, from which an
auto-code threshold is set by the precision it should reach (:meth:`TitleModel.threshold`)."""


@dataclass(frozen=True)
class Title:
    """A coded title: text, path of codes (top level first), and the group of labels it
    belongs to (an ESCO occupation...), which calibration and evaluation hold out together."""

    text: str
    path: tuple[str, ...]
    group: str = ""


@dataclass(frozen=True)
class Ranked:
    """One candidate group at one level: code, score, calibrated confidence (0-1)."""

    code: str
    level: int
    score: float
    confidence: float


class TitleModel:
    """See the module docstring. Fit with :meth:`fit`, keep with :meth:`save`/:meth:`load`."""

    def __init__(
        self,
        vectoriser: Vectoriser,
        classes: np.ndarray,
        coefficients: np.ndarray,
        intercepts: np.ndarray,
        calibration: dict[int, tuple[np.ndarray, np.ndarray]],
        exact: dict[str, int],
    ) -> None:
        self.vectoriser, self.classes, self.exact = vectoriser, classes, exact
        self.coefficients, self.intercepts = coefficients, intercepts
        self.calibration = calibration
        self.depth = len(classes[0].split("\x1f"))
        self._paths = np.array([c.split("\x1f") for c in classes], dtype=object)
        self.memory: Memory | None = None
        self.memory_calibration: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def fit(
        cls,
        titles: Sequence[Title],
        *,
        calibrate: bool = True,
        progress: Callable[[str], None] = lambda _: None,
    ) -> TitleModel:
        """A model of ``titles`` (those coded to the deepest level train the classifier)."""
        depth = max(len(t.path) for t in titles)
        usable = [t for t in titles if len(t.path) == depth]
        calibration: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        counted = counts([t.text for t in usable], HEADS)  # once: the probe's texts are among them
        if calibrate:
            groups = sorted({t.group or t.text for t in usable})
            held = set(random.Random(SEED).sample(groups, int(len(groups) * CALIBRATION_SHARE)))
            progress(f"calibrating on {len(held):,} held-out groups of titles")
            kept = [i for i, t in enumerate(usable) if (t.group or t.text) not in held]
            probe = cls._fit([usable[i] for i in kept], {}, counted[kept])
            calibration = probe._calibrate(
                [t for t in usable if (t.group or t.text) in held and is_title(t.text)]
            )
        progress(f"fitting on {len(usable):,} titles")
        return cls._fit(usable, calibration, counted)

    @classmethod
    def refit(
        cls,
        titles: Sequence[Title],
        examples: Sequence[Title],
        *,
        progress: Callable[[str], None] = lambda _: None,
    ) -> TitleModel:
        """A model of ``titles`` with a user's ``examples`` among its training texts (those
        coded to the deepest level, ``EXAMPLE_COPIES`` times each), remembering them all, and
        calibrated by cross-fitting: the examples are split in ``EXAMPLE_FOLDS`` (the same
        text always in the same fold), and each fold is coded by a model fitted with the
        other folds' examples only, so that confidence is measured on examples the model
        has not seen, as the user's next titles will be.

        Raises:
            ValueError: fewer than ``MEMORY_CALIBRATION`` examples (too few to calibrate on).
        """
        if len(examples) < MEMORY_CALIBRATION:
            raise ValueError(
                f"{len(examples)} examples: a refit needs at least {MEMORY_CALIBRATION}"
            )
        depth = max(len(t.path) for t in titles)
        usable = [t for t in titles if len(t.path) == depth]
        counted = counts([t.text for t in usable], HEADS)
        keys = list(dict.fromkeys(normalise(e.text) for e in examples))
        order = random.Random(SEED).sample(range(len(keys)), len(keys))
        fold_of = {keys[i]: n % EXAMPLE_FOLDS for n, i in enumerate(order)}
        folds = [fold_of[normalise(e.text)] for e in examples]
        pairs: list[_Pairs] = []
        for fold in range(EXAMPLE_FOLDS):
            progress(f"cross-fitting: fold {fold + 1} of {EXAMPLE_FOLDS}")
            known = [e for e, f in zip(examples, folds, strict=True) if f != fold]
            model = cls._with_examples(usable, counted, known, {})
            pairs.append(
                model._pairs([e for e, f in zip(examples, folds, strict=True) if f == fold])
            )
        progress(f"fitting on {len(usable):,} titles and {len(examples):,} examples")
        joined: _Pairs = {}
        for level in range(1, depth + 1):
            if parts := [p[level] for p in pairs if level in p]:
                margins, right, kinds = (np.concatenate(c) for c in zip(*parts, strict=True))
                joined[level] = (margins, right, kinds)
        return cls._with_examples(usable, counted, examples, _curves(joined, depth))

    @classmethod
    def _with_examples(
        cls,
        usable: Sequence[Title],
        counted: sp.csr_matrix,
        examples: Sequence[Title],
        calibration: dict[int, tuple[np.ndarray, np.ndarray]],
    ) -> TitleModel:
        """The model of ``usable`` (whose counts are ``counted``) and the deepest-level
        ``examples``, ``EXAMPLE_COPIES`` times each, remembering ``examples``."""
        depth = len(usable[0].path)
        deep = [e for e in examples if len(e.path) == depth] * EXAMPLE_COPIES
        extra = counts([e.text for e in deep], HEADS)
        model = cls._fit([*usable, *deep], calibration, sp.vstack([counted, extra]).tocsr())
        model.remember(examples, calibrate=False)
        return model

    @classmethod
    def _fit(
        cls,
        titles: Sequence[Title],
        calibration: dict[int, tuple[np.ndarray, np.ndarray]],
        counted: sp.csr_matrix | None = None,
    ) -> TitleModel:
        """The model of ``titles``, whose :func:`counts` are ``counted`` (computed if None)."""
        from sklearn.linear_model import SGDClassifier  # fitting only: a second to import

        texts = [t.text for t in titles]
        if counted is None:
            counted = counts(texts, HEADS)
        vectoriser = Vectoriser.fit_counts(counted)
        labels = np.array(["\x1f".join(t.path) for t in titles])
        classifier = SGDClassifier(
            loss="modified_huber",
            alpha=REGULARISATION,
            max_iter=EPOCHS,
            tol=None,
            random_state=SEED,
            n_jobs=-1,
        )
        vectors = vectoriser.transform_counts(counted)
        classifier.fit(vectors, labels)
        coefficients, intercepts = classifier.coef_, classifier.intercept_
        if len(classifier.classes_) == 2:
            coefficients = np.vstack([-coefficients, coefficients])
            intercepts = np.concatenate([-intercepts, intercepts])
        position = {label: i for i, label in enumerate(classifier.classes_)}
        likelihoods, priors = naive_bayes(
            vectors, np.array([position[label] for label in labels]), len(classifier.classes_)
        )
        likelihoods *= BAYES_WEIGHT
        likelihoods += coefficients
        coefficients = likelihoods.astype(np.float32)
        intercepts = (intercepts + BAYES_WEIGHT * priors).astype(np.float32)
        exact = verbatim(zip(texts, (position[label] for label in labels), strict=True))
        return cls(vectoriser, classifier.classes_, coefficients, intercepts, calibration, exact)

    def _calibrate(
        self, held: Sequence[Title], leave_out: bool = False
    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """The calibration of :func:`_curves` on the ``held`` titles coded by this model."""
        return _curves(self._pairs(held, leave_out), self.depth)

    def _pairs(self, held: Sequence[Title], leave_out: bool = False) -> _Pairs:
        """Per level, the ``held`` titles' margins (uncalibrated), whether the best group was
        right, and whether the text is verbatim a training title."""
        ranked, verbatim = self._ranked([t.text for t in held], 1, False, leave_out)
        found: _Pairs = {}
        for level in range(1, self.depth + 1):
            rows = [i for i, title in enumerate(held) if len(title.path) >= level]
            if rows:
                found[level] = (
                    np.array([ranked[i][level - 1][0].confidence for i in rows]),
                    np.array(
                        [ranked[i][level - 1][0].code == held[i].path[level - 1] for i in rows],
                        dtype=bool,
                    ),
                    verbatim[rows],
                )
        return found

    def remember(self, examples: Sequence[Title], calibrate: bool = True) -> None:
        """Use ``examples`` (a user's coded titles) from now on. With at least
        ``MEMORY_CALIBRATION`` of them (and ``calibrate``), confidence is recalibrated on
        them, each coded as if it (and any example with the same text) were not there; with
        fewer, the fitted calibration stays, which is optimistic about votes from a handful
        of examples. A model :meth:`refit` with the examples keeps its cross-fitted
        calibration (``calibrate`` False)."""
        self.memory = Memory(examples, self.classes) if examples else None
        self.memory_calibration = {}
        if calibrate and self.memory is not None and len(examples) >= MEMORY_CALIBRATION:
            sample = random.Random(SEED).sample(list(examples), min(len(examples), MEMORY_SAMPLE))
            self.memory_calibration = self._calibrate(sample, leave_out=True)

    def scores(
        self,
        texts: Sequence[str],
        leave_out: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
        """Decision values (texts x deepest-level classes), memory votes included, then the
        same with ``EXACT_BONUS`` under the code of a training title or example a text is
        verbatim, and per text the path a verbatim example settles (empty when none). A
        verbatim training title settles nothing: how often such titles are right is
        calibrated apart (on real job titles, about six times in ten).
        ``leave_out``: examples with the same text as the one coded do not count."""
        vectors = self.vectoriser.transform(texts)
        found = np.asarray(vectors @ self.coefficients.T) + self.intercepts
        if self.memory is not None:
            found += self.memory.votes(texts, leave_out)
        bonused = found.copy()
        settled: list[tuple[str, ...]] = []
        for row, text in enumerate(texts):
            key = normalise(text)
            path = (
                self.memory.exact.get(key, ()) if self.memory is not None and not leave_out else ()
            )
            if path and self.memory is not None:
                bonused[row, self.memory.under[path]] += EXACT_BONUS
            elif (column := self.exact.get(key)) is not None:
                bonused[row, column] += EXACT_BONUS
            settled.append(path)
        return found, bonused, settled

    def rank(
        self, texts: Sequence[str], k: int = 5, calibrated: bool = True, leave_out: bool = False
    ) -> list[list[list[Ranked]]]:
        """Per text, per level (top first), the ``k`` best groups, best first, with their
        confidence (calibrated, or the raw margin when ``calibrated`` is False); for
        ``leave_out`` see :meth:`scores`. The order counts the verbatim bonus; the margin
        does not (the best group's score without it minus the best other group's), and a
        verbatim text's margin has a calibration of its own."""
        return self._ranked(texts, k, calibrated, leave_out)[0]

    def _ranked(
        self, texts: Sequence[str], k: int, calibrated: bool, leave_out: bool
    ) -> tuple[list[list[list[Ranked]]], np.ndarray]:
        """:meth:`rank`, and whether each text got the verbatim bonus."""
        scores, bonused, settled = self.scores(texts, leave_out)
        verbatim = (bonused != scores).any(axis=1)
        found: list[list[list[Ranked]]] = [[] for _ in texts]
        for level in range(1, self.depth + 1):
            codes, members = np.unique(self._paths[:, level - 1].astype(str), return_inverse=True)
            best, plain = (
                np.full((len(texts), len(codes)), -np.inf, dtype=np.float32) for _ in range(2)
            )
            np.maximum.at(best.T, members, bonused.T)
            np.maximum.at(plain.T, members, scores.T)
            top = np.argsort(-best, axis=1)[:, : max(k, 2)]
            chosen = plain[np.arange(len(texts)), top[:, 0]]
            if len(codes) > 1:
                first, second = (-np.partition(-plain, 1, axis=1)[:, :2]).T
                chosen -= np.where(plain.argmax(axis=1) == top[:, 0], second, first)
            for row, columns in enumerate(top):
                values = best[row, columns]
                margins = [float(chosen[row])] + [float(v - values[0]) for v in values[1:k]]
                key = -level if verbatim[row] else level
                found[row].append(
                    [
                        Ranked(
                            str(codes[c]),
                            level,
                            float(v),
                            self._confidence(key if i == 0 else level, m, calibrated),
                        )
                        for i, (c, v, m) in enumerate(
                            zip(columns[:k], values[:k], margins, strict=False)
                        )
                    ]
                )
        for levels, path in zip(found, settled, strict=True):
            for level, code in enumerate(path if calibrated else ()):
                if levels[level][0].code == code and self.memory is not None:
                    levels[level][0] = replace(
                        levels[level][0],
                        confidence=max(levels[level][0].confidence, self.memory.settled),
                    )
            for upper, lower in zip(levels[-2::-1], levels[::-1], strict=False):
                if upper[0].confidence < lower[0].confidence:
                    upper[0] = replace(upper[0], confidence=lower[0].confidence)
        return found, verbatim

    def threshold(self, precision: float) -> float:
        """The lowest calibrated confidence at which the held-out titles (or, with enough of
        them, the user's examples) that reach it at the deepest level were right at least
        ``precision`` of the time; ``precision`` itself when the model has no such record
        (a calibrated confidence is a lower bound of the precision above it), and 1 when no
        threshold reaches it."""
        curve = (self.memory_calibration or self.calibration).get(PRECISION)
        if curve is None:
            return precision
        confidences, shares = curve
        reaching = confidences[shares >= precision]
        return float(reaching.min()) if len(reaching) else 1.0

    def _confidence(self, key: int, margin: float, calibrated: bool) -> float:
        """The calibrated confidence of ``margin`` at level ``key`` (``-level`` for a verbatim
        text, calibrated at ``level`` when the model has no curve of its own for them), or
        the margin itself when not ``calibrated``."""
        if not calibrated:
            return margin
        calibration = self.memory_calibration or self.calibration
        if key < 0 and key not in calibration:
            key = -key
        if key not in calibration or (key > 0 and margin < 0):
            return 0.0
        x, y = calibration[key]
        return float(np.interp(margin, x, y))

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (.npz); the memory is kept elsewhere."""
        levels = sorted(self.calibration)
        np.savez(
            path,
            allow_pickle=False,
            columns=self.vectoriser.columns,
            idf=self.vectoriser.idf,
            heads=np.array(self.vectoriser.heads),
            exact_texts=np.frombuffer("\n".join(self.exact).encode(), dtype=np.uint8),
            exact_classes=np.array(list(self.exact.values()), dtype=np.int64),
            classes=self.classes.astype(str),
            coefficients=self.coefficients,
            intercepts=self.intercepts,
            levels=np.array(levels, dtype=np.int64),
            **{f"x{level}": self.calibration[level][0] for level in levels},
            **{f"y{level}": self.calibration[level][1] for level in levels},
        )

    @classmethod
    def load(cls, path: Path) -> TitleModel:
        """The model saved at ``path``."""
        with np.load(path, allow_pickle=False) as saved:
            texts = saved["exact_texts"].tobytes().decode()
            return cls(
                Vectoriser(saved["columns"], saved["idf"], bool(saved["heads"])),
                saved["classes"],
                saved["coefficients"],
                saved["intercepts"],
                {int(level): (saved[f"x{level}"], saved[f"y{level}"]) for level in saved["levels"]},
                dict(
                    zip(
                        texts.split("\n") if texts else [],
                        saved["exact_classes"].tolist(),
                        strict=True,
                    )
                ),
            )


class Memory:
    """User-coded examples, with features of their own (so any script works): each text's
    nearest examples vote for the deepest-level classes under their codes (an example coded
    to a higher level votes for all the classes below it, equally)."""

    def __init__(self, titles: Sequence[Title], classes: np.ndarray) -> None:
        """``classes``: the model's deepest-level classes, which the examples vote for."""
        self.titles = list(titles)
        self.classes = classes
        self.under = {path: _under(classes, path) for path in {t.path for t in self.titles}}
        keys = [normalise(t.text) for t in self.titles]
        self.exact = verbatim(zip(keys, (t.path for t in self.titles), strict=True))
        self.settled = settled_confidence(zip(keys, (t.path for t in self.titles), strict=True))
        """The confidence of a code a verbatim example settles (:func:`settled_confidence`)."""
        self.text_ids = {key: number for number, key in enumerate(dict.fromkeys(keys))}
        self.ids = np.array([self.text_ids[key] for key in keys])
        self.vectoriser = Vectoriser.fit([t.text for t in self.titles], min_titles=1)
        self.vectors = self.vectoriser.transform([t.text for t in self.titles])

    def votes(self, texts: Sequence[str], leave_out: bool = False) -> np.ndarray:
        """Votes (texts x classes): among each text's nearest examples, a code gets
        ``MEMORY_WEIGHT`` x the sum of its best ``MEMORY_BEST`` similarities.
        ``leave_out``: examples with the same text as the one coded do not vote."""
        votes = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        if not self.titles:
            return votes
        similarities = (self.vectoriser.transform(texts) @ self.vectors.T).toarray()
        if leave_out:
            own = np.array([self.text_ids.get(normalise(text), -1) for text in texts])
            similarities[own[:, None] == self.ids[None, :]] = 0
        nearest = np.argsort(-similarities, axis=1)[:, :MEMORY_NEIGHBOURS]
        for row, columns in enumerate(nearest):
            found: dict[tuple[str, ...], list[float]] = {}
            for column in columns:
                if similarities[row, column] > 0:
                    found.setdefault(self.titles[column].path, []).append(
                        float(similarities[row, column])
                    )
            for path, values in found.items():
                targets = self.under[path]
                votes[row, targets] = np.maximum(
                    votes[row, targets], MEMORY_WEIGHT * sum(values[:MEMORY_BEST])
                )
        return votes


def naive_bayes(
    vectors: sp.csr_matrix, members: np.ndarray, classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial naive Bayes over ``vectors``, whose rows belong to the classes ``members``
    (0 to ``classes`` - 1): per class, the log of each feature's share of the class's feature
    mass (``BAYES_SMOOTHING`` added to every feature), and the log of the class's share of the
    rows. The same as scikit-learn's ``MultinomialNB`` (the tests check it), which would hold
    two dense class x feature matrices where this holds one, over about 400 classes and the
    hashed feature space."""
    rows = sp.csr_matrix(
        (np.ones(len(members)), (members, np.arange(len(members)))), shape=(classes, len(members))
    )
    likelihoods = (rows @ vectors.astype(np.float64)).toarray()  # one dense matrix, in place
    likelihoods += BAYES_SMOOTHING
    totals = likelihoods.sum(axis=1, keepdims=True)
    np.log(likelihoods, out=likelihoods)
    likelihoods -= np.log(totals)
    return likelihoods, np.log(np.bincount(members, minlength=classes) / len(members))


def _curves(pairs: _Pairs, depth: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Isotonic fits of right answers on the margin, per level (key ``level``), and apart for
    the texts verbatim a training title (key ``-level``) when at least
    ``VERBATIM_CALIBRATION`` of them are among ``pairs``; and, at ``depth``, the precision
    curve (key ``PRECISION``)."""
    calibration: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for level, (margins, right, kinds) in sorted(pairs.items()):
        if not len(margins):
            continue
        calibration[level] = _isotonic(margins, right)
        if kinds.sum() >= VERBATIM_CALIBRATION:
            calibration[-level] = _isotonic(margins[kinds], right[kinds])
        if level == depth:
            confidences = np.interp(margins, *calibration[level])
            if -level in calibration:
                confidences[kinds] = np.interp(margins[kinds], *calibration[-level])
            confidences[~kinds & (margins < 0)] = 0
            calibration[PRECISION] = precisions(confidences, right)
    return calibration


def _isotonic(margins: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The isotonic regression of ``right`` on ``margins``, as its thresholds."""
    from sklearn.isotonic import IsotonicRegression

    fitted = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(margins, right)
    return fitted.X_thresholds_.astype(np.float64), fitted.y_thresholds_.astype(np.float64)


def settled_confidence(pairs: Iterable[tuple[str, tuple[str, ...]]]) -> float:
    """``SETTLED`` drawn towards the share of the pairs of examples with the same text (of
    ``pairs``: normalised text, path) that have the same code (see ``SETTLED_WEIGHT``)."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for text, path in pairs:
        if text:
            found.setdefault(text, []).append(path)
    same = total = 0
    for paths in found.values():
        counted = Counter(paths)
        total += len(paths) * (len(paths) - 1) // 2
        same += sum(n * (n - 1) // 2 for n in counted.values())
    return (same + SETTLED * SETTLED_WEIGHT) / (total + SETTLED_WEIGHT)


def verbatim(pairs: Iterable[tuple[str, T]]) -> dict[str, T]:
    """{normalised text: value} for the texts whose occurrences all carry the same value."""
    found: dict[str, set[T]] = {}
    for text, value in pairs:
        if key := normalise(text):
            found.setdefault(key, set()).add(value)
    return {text: next(iter(values)) for text, values in found.items() if len(values) == 1}


def is_title(text: str) -> bool:
    """Whether ``text`` is short enough to be a job title rather than a definition (see
    ``TITLE_WORDS``)."""
    words = len(text.split())
    return len(text) <= (TITLE_CHARACTERS if words > 1 else UNSPACED_CHARACTERS) and (
        words <= TITLE_WORDS
    )


def precisions(confidences: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``confidences`` (ascending) and, for each, the share ``right`` among the
    titles whose confidence is at least it."""
    order = np.argsort(-confidences, kind="stable")
    shares = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    values, last = np.unique(confidences[order][::-1], return_index=True)
    return values, shares[len(order) - 1 - last]


def _under(classes: np.ndarray, path: tuple[str, ...]) -> np.ndarray:
    """Positions of the deepest-level classes at or below ``path``."""
    names = classes.astype(str)
    prefix = "\x1f".join(path)
    return np.flatnonzero((names == prefix) | np.char.startswith(names, prefix + "\x1f"))
