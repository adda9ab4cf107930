"""What many requests share is computed once per state of the warehouse: kept while the
state mark stands, forgotten when it changes, never kept for a request under an older state,
computed once when many ask at once."""

from __future__ import annotations

import threading
import time

import pytest

from decentwork.web.summaries import Summaries


def test_kept_while_the_mark_stands() -> None:
    kept = Summaries()
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert kept.get((1, 0), "k", lambda: compute("a")) == "a"
    assert kept.get((1, 0), "k", lambda: compute("b")) == "a"
    assert kept.get((2, 0), "k", lambda: compute("c")) == "c"  # a load: forgotten
    assert kept.get((1, 0), "k", lambda: compute("d")) == "d"  # an older request: not kept
    assert kept.get((2, 0), "k", lambda: compute("e")) == "c"
    assert calls == ["a", "c", "d"]


def test_the_least_recently_used_go_first() -> None:
    kept = Summaries(most=2)
    for key in ("a", "b", "a", "c"):
        kept.get((1,), key, lambda key=key: key)
    assert list(kept.values) == ["a", "c"]


def test_computed_once_when_many_ask_at_once() -> None:
    kept = Summaries()
    calls: list[int] = []
    answers: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    threads = [
        threading.Thread(target=lambda: answers.append(kept.get((1,), "k", slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8 and calls == [1]


def test_a_failed_computation_is_tried_again() -> None:
    kept = Summaries()

    def failing() -> int:
        raise RuntimeError("once")

    with pytest.raises(RuntimeError, match="once"):
        kept.get((1,), "k", failing)
    assert kept.get((1,), "k", lambda: 7) == 7 and not kept.pending


def test_the_mark_is_read_again_once_due() -> None:
    kept = Summaries(check_every=0.2)
    marks = iter([(1,), (2,)])
    assert kept.current(lambda: next(marks)) == (1,)
    assert kept.current(lambda: next(marks)) == (1,)
    time.sleep(0.25)
    assert kept.current(lambda: next(marks)) == (2,)
