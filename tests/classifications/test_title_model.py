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
    settled_confidence,
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
    without the verbatim bonus is calibrated to (not a fixed 0.99): on the verbatim texts' own
    curve when the model has one, else on the level's; a verbatim example of the user's
    settles it."""
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
    best, runner_up = levels[-1][:2]
    assert best.code == "5412"
    margin = best.score - EXACT_BONUS - runner_up.score
    assert margin > 0
    assert best.confidence == pytest.approx(0.2 + 0.4 * margin / 1000)
    assert best.confidence < SETTLED
    [unknown] = model.rank(["captain police officer"], k=2)
    model.calibration[-4] = (np.array([-1.0, 1000.0]), np.array([0.05, 0.15]))
    [levels] = model.rank(["Police Captain"], k=2)
    assert levels[-1][0].confidence == pytest.approx(0.05 + 0.1 * (margin + 1) / 1001)
    [again] = model.rank(["captain police officer"], k=2)
    assert again[-1][0].confidence == unknown[-1][0].confidence
    model.remember([Title("police captain", ("5", "54", "541", "5412"), group="example:2")])
    [levels] = model.rank(["Police Captain"], k=2)
    assert levels[-1][0].code == "5412" and levels[-1][0].confidence == SETTLED


def test_threshold_by_precision() -> None:
    """The held-out titles' confidences 0.9, 0.5, 0.9, 0.2, 0.5 (right, wrong, right, wrong,
    right): at or above 0.9 all are right, at or above 0.5 three in four, 0.2 three in five."""
    model = TitleModel._fit(_kitchen(), {})
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


def _kitchen() -> list[Title]:
    return [
        Title(text, path, group=text)
        for text, path in [
            ("cook", ("5", "51", "512", "5120")),
            ("head cook", ("5", "51", "512", "5120")),
            ("baker", ("7", "75", "751", "7512")),
            ("head baker", ("7", "75", "751", "7512")),
            ("waiter", ("5", "51", "513", "5131")),
            ("head waiter", ("5", "51", "513", "5131")),
        ]
    ]


def test_refit_is_calibrated_on_examples_it_has_not_seen() -> None:
    """Examples that nothing links to their code (made-up words, codes at random) are right
    when the model has seen them, so a calibration on them would say "sure"; cross-fitted,
    each fold is coded by a model fitted without it, and the confidence says they are
    guesses. The refit still knows every example (the fitted classes and the memory)."""
    codes = [t.path for t in _kitchen()]
    rng = np.random.default_rng(5)
    examples = [
        Title(f"zq{n}x{n * 7}", codes[int(rng.integers(len(codes)))], group=f"example:{n}")
        for n in range(40)
    ]
    model = TitleModel.refit(_kitchen(), examples)
    assert model.memory is not None and len(model.memory.titles) == 40
    assert model.memory_calibration == {}
    assert model.calibration[4][1].max() < 0.7
    assert model.threshold(0.9) == 1.0
    [levels] = model.rank([examples[0].text], k=1)
    assert levels[-1][0].code == examples[0].path[-1]
    with pytest.raises(ValueError, match="29 examples: a refit needs at least 30"):
        TitleModel.refit(_kitchen(), examples[:29])


def test_saved_model_keeps_verbatim_calibration(tmp_path) -> None:
    model = TitleModel._fit(_kitchen(), {4: (np.array([0.0, 1.0]), np.array([0.1, 0.9]))})
    model.calibration[-4] = (np.array([-1.0, 1.0]), np.array([0.2, 0.3]))
    model.save(tmp_path / "model.npz")
    loaded = TitleModel.load(tmp_path / "model.npz")
    assert sorted(loaded.calibration) == [-4, 4]
    np.testing.assert_array_equal(loaded.calibration[-4][1], [0.2, 0.3])
    assert loaded.vectoriser.heads
    assert loaded.rank(["head cook"]) == model.rank(["head cook"])


def test_settled_confidence_follows_the_examples_agreement() -> None:
    """A verbatim example settles at 0.99 while the user's examples agree with themselves;
    when identical texts carry different codes (the Polish ads: 6 of 49 pairs agree), a
    verbatim match settles at about how often such pairs agree."""
    cook, baker = ("5", "51", "512", "5120"), ("7", "75", "751", "7512")
    assert settled_confidence([("cook", cook), ("baker", baker)]) == pytest.approx(SETTLED)
    assert settled_confidence([("cook", cook)] * 3) == pytest.approx((3 + 9.9) / 13)
    conflicting = [(f"ad {n}", path) for n in range(49) for path in (cook, baker)]
    assert settled_confidence(conflicting) == pytest.approx(9.9 / 59)
    model = TitleModel._fit(_kitchen(), {4: (np.array([0.0, 1000.0]), np.array([0.1, 0.2]))})
    model.remember(
        [Title(text, path, group=text) for text, path in [*conflicting, ("chef", cook)]],
        calibrate=False,
    )
    assert model.memory is not None
    assert model.memory.settled == pytest.approx(9.9 / 59)
    [levels] = model.rank(["chef"], k=1)
    assert levels[-1][0].code == "5120" and levels[-1][0].confidence < 0.3
