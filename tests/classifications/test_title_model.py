"""The title model's naive Bayes part, against scikit-learn's."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.naive_bayes import MultinomialNB

from decentwork.classifications.title_model import BAYES_SMOOTHING, naive_bayes


def test_naive_bayes_matches_scikit_learn() -> None:
    vectors = sp.random(40, 30, density=0.2, format="csr", random_state=0, dtype=np.float32)
    members = np.arange(40) % 3
    likelihoods, priors = naive_bayes(vectors, members, 3)
    reference = MultinomialNB(alpha=BAYES_SMOOTHING).fit(vectors, members)
    np.testing.assert_allclose(likelihoods, reference.feature_log_prob_, rtol=1e-6)
    np.testing.assert_allclose(priors, reference.class_log_prior_)
    np.testing.assert_allclose(np.exp(likelihoods).sum(axis=1), 1, rtol=1e-9)
