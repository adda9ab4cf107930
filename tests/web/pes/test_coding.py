"""The occupation coder behind the suggestions: loaded once per process on the first
suggestion asked for (whatever the threads asking), and, where its model is cached, the real
coder's suggestions for a title."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from decentwork.classifications import occupation_coder
from decentwork.classifications.occupation_coder import Candidate, Coding, Decision
from decentwork.web.pes.coding import LazyCoder


class CountingCoder:
    """Stands for the OccupationCoder: counts how often it is loaded (slowly)."""

    loaded = 0

    def __init__(self, folder: Path | None = None) -> None:
        time.sleep(0.2)
        type(self).loaded += 1
        self.folder = folder

    def code(self, texts: list[str], k: int = 5) -> list[Coding]:
        return [
            Coding(
                text,
                "isco08",
                (Candidate("8153", "Sewing Machine Operators", 4, 1.0, 0.9),)[:k],
                Decision("auto-coded", "8153", 4, 0.9),
            )
            for text in texts
        ]


def test_the_coder_is_loaded_once_on_first_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(occupation_coder, "OccupationCoder", CountingCoder)
    CountingCoder.loaded = 0
    lazy = LazyCoder(tmp_path)
    assert CountingCoder.loaded == 0  # nothing is loaded before a suggestion is asked for
    answers: list[Any] = []
    threads = [
        threading.Thread(target=lambda: answers.append(lazy.suggest("sewing", 3))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CountingCoder.loaded == 1
    assert lazy.coder().folder == tmp_path
    assert [[s.code for s in answer] for answer in answers] == [["8153"]] * 4


def test_the_real_coder_suggests_codes_when_its_model_is_cached() -> None:
    if not any(occupation_coder.models_dir().glob("isco08-*.npz")):
        pytest.skip(
            f"no fitted ISCO-08 coder model in {occupation_coder.models_dir()}: "
            "'decentwork classify occupation' fits it once (two to three minutes)"
        )
    suggestions = LazyCoder().suggest("sewing machine operator", 3)
    assert len(suggestions) == 3
    assert suggestions[0].code == "8153"
    assert 0 < suggestions[0].confidence <= 1
