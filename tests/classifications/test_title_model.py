"""The title model: its naive Bayes part against scikit-learn's; which texts calibrate it;
verbatim titles and examples."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.naive_bayes import MultinomialNB

from decentwork.classifications.title_model import (
    BAYES_SMOOTHING,
    EXACT_BONUS,
    PRECISION,
    SETTLED,
    Title,
    TitleModel,
    is_title,
    naive_bayes,
    precisions,
)


def test_naive_bayes_matches_scikit_learn() -> None:
    vectors = sp.random(40, 30, density=0.2, format="csr", random_state=0, dtype=np.float32)
    members = np.arange(40) % 3
    likelihoods, priors = naive_bayes(vectors, members, 3)
    reference = MultinomialNB(alpha=BAYES_SMOOTHING).fit(vectors, members)
    np.testing.assert_allclose(likelihoods, reference.feature_log_prob_, rtol=1e-6)
    np.testing.assert_allclose(priors, reference.class_log_prior_)
    np.testing.assert_allclose(np.exp(likelihoods).sum(axis=1), 1, rtol=1e-9)


def test_titles_are_told_from_definitions() -> None:
    assert is_title("Wood Fence Erector")
    assert is_title("技术编辑")
    assert not is_title("Plans, directs and coordinates the activities of a police force")
    assert not is_title("从事计算机软件需求分析、设计、测试、维护和管理的工程技术人员。")


def test_verbatim_titles_are_calibrated_and_examples_settle() -> None:
    """A text verbatim one of the training titles comes first, with the confidence its margin
    is calibrated to (not a fixed 0.99); a verbatim example of the user's settles it."""
    titles = [
        Title(text, path, group=text)
        for text, path in [
            ("police captain", ("5", "54", "541", "5412")),
            ("police officer", ("5", "54", "541", "5412")),
            ("army captain", ("0", "01", "011", "0110")),
            ("army officer", ("0", "01", "011", "0110")),
            ("ship captain", ("3", "31", "315", "3152")),
            ("ship officer", ("3", "31", "315", "3152")),
        ]
    ]
    calibration = {4: (np.array([0.0, 1000.0]), np.array([0.2, 0.6]))}
    model = TitleModel._fit(titles, calibration)
    [levels] = model.rank(["Police Captain"], k=2)
    best = levels[-1][0]
    assert best.code == "5412"
    margin = best.score - levels[-1][1].score
    assert margin > EXACT_BONUS / 2
    assert best.confidence == pytest.approx(0.2 + 0.4 * margin / 1000)
    assert best.confidence < SETTLED
    model.remember([Title("police captain", ("5", "54", "541", "5412"), group="example:2")])
    [levels] = model.rank(["Police Captain"], k=2)
    assert levels[-1][0].code == "5412" and levels[-1][0].confidence == SETTLED


def test_threshold_by_precision() -> None:
    """The held-out titles' confidences 0.9, 0.5, 0.9, 0.2, 0.5 (right, wrong, right, wrong,
    right): at or above 0.9 all are right, at or above 0.5 three in four, 0.2 three in five."""
    titles = [
        Title(text, path)
        for text, path in [
            ("cook", ("5", "51", "512", "5120")),
            ("head cook", ("5", "51", "512", "5120")),
            ("baker", ("7", "75", "751", "7512")),
            ("head baker", ("7", "75", "751", "7512")),
        ]
    ]
    model = TitleModel._fit(titles, {})
    assert model.threshold(0.8) == 0.8
    model.calibration[PRECISION] = precisions(
        np.array([0.9, 0.5, 0.9, 0.2, 0.5]), np.array([True, False, True, False, True])
    )
    np.testing.assert_allclose(model.calibration[PRECISION][1], [0.6, 0.75, 1.0])
    assert [model.threshold(p) for p in (0.5, 0.6, 0.7, 0.75, 0.8, 1.0)] == [
        0.2,
        0.2,
        0.5,
        0.5,
        0.9,
        0.9,
    ]
    model.calibration[PRECISION] = precisions(np.array([0.4, 0.6]), np.array([True, False]))
    assert model.threshold(0.9) == 1.0
