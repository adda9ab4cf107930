"""Job-board titles carry more than the occupation: places, salaries, perks and calls to
apply ("抖音快手运营 [郓城]", "招聘押运员 月薪6000+ 包吃住"). This strips them before coding."""

from __future__ import annotations

import re

BRACKETS = re.compile("[\uff08(【\\[<《\u3014].*?[\uff09)】\\]>》\u3015]")
"""Bracketed asides: usually a place, a shift or a perk."""
PAY = re.compile(
    r"\d+(?:\.\d+)?[kKwW千万]?\s*(?:[-~至到]\s*\d+(?:\.\d+)?)?\s*[kKwW千万元]+"
    r"(?:/?[月年天日时])?"
)
"""Salaries: 6000元, 8k-12k, 1.5万/月."""
CALLS = (
    "五险一金",
    "包吃包住",
    "包吃住",
    "包食宿",
    "男女不限",
    "无经验",
    "可培训",
    "年终奖",
    "急招",
    "急聘",
    "诚聘",
    "直招",
    "高薪",
    "招聘",
    "五险",
    "包吃",
    "包住",
    "双休",
    "底薪",
    "提成",
    "月薪",
    "年薪",
    "日结",
    "周结",
    "兼职",
    "全职",
    "长期",
    "短期",
    "带薪",
    "转正",
    "不加班",
    "月入",
)
"""Recruitment phrases that say nothing of the occupation (longest first)."""


def clean_chinese(title: str) -> str:
    """``title`` without bracketed asides, salaries, digits and recruitment phrases; the
    title itself when nothing would be left."""
    text = BRACKETS.sub(" ", title)
    text = PAY.sub(" ", text)
    text = re.sub(r"\d+", " ", text)
    for phrase in CALLS:
        text = text.replace(phrase, " ")
    words = [word for word in text.split() if re.search(r"\w", word)]
    return " ".join(words) if words else title
