"""Job-board noise taken off Chinese titles before coding."""

from __future__ import annotations

import pytest

from decentwork.classifications.job_board import clean_chinese


@pytest.mark.parametrize(
    ("title", "cleaned"),
    [
        ("技术编辑", "技术编辑"),
        ("抖音快手运营\uff08郓城\uff09", "抖音快手运营"),
        ("【急招】普工\uff08包吃住\uff09", "普工"),
        ("顺安运输招聘押运员", "顺安运输 押运员"),
        ("销售代表 月薪8k-12k 五险一金", "销售代表"),
        ("普工 6000元/月 包吃住", "普工"),
        ("招聘", "招聘"),  # nothing would be left: the title stays
    ],
)
def test_clean_chinese(title: str, cleaned: str) -> None:
    assert clean_chinese(title) == cleaned
