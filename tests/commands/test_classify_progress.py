"""The coder's first fit takes minutes: 'decentwork classify occupation' reports its steps on
standard error on any output, not only on a terminal (issue 21)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from decentwork.classifications import occupation_coder
from decentwork.classifications.occupation_coder import Candidate, Coding, Decision
from tests.warehouse.conftest import assert_ok, invoke

STEPS = ("fitting the ISCO-08 coder from somewhere [once]", "calibrating on 12 groups")


class Fitting:
    """A stand-in for the coder that reports the steps of a first fit, then codes anything
    as 2512."""

    def __init__(
        self,
        folder: Path | None,
        *,
        classification: str,
        threshold: float,
        progress: Callable[[str], None],
    ) -> None:
        for step in STEPS:
            progress(step)

    def code(self, texts: list[str], k: int, lang: str | None) -> list[Coding]:
        best = Candidate("2512", "Software developers", 4, 0.9, 0.95)
        decision = Decision("auto-coded", "2512", 4, 0.95)
        return [Coding(text, "isco08", (best,), decision) for text in texts]


def test_the_first_fit_reports_each_step_when_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(occupation_coder, "OccupationCoder", Fitting)
    result = invoke("classify", "occupation", "software developer")
    assert_ok(result)
    lines = result.stderr.splitlines()
    assert [re.sub(r"^\[ *[0-9.]+ s\] ", "", line) for line in lines] == [
        "Loading the occupation coder",
        *STEPS,
    ]
    assert all(re.match(r"^\[ *[0-9.]+ s\] ", line) for line in lines)
    assert "auto-coded" in result.stdout and "Loading" not in result.stdout
