"""Names' normal forms across the ways they are typed (Latin diacritics, Khmer and Lao mark
orders, invisible characters) and their similarity."""

from __future__ import annotations

import pytest

from decentwork.pes.names import THRESHOLD, name_key, normal_form, search_terms, similarity

COENG, RO, TA, DA = "\u17d2", "\u179a", "\u178f", "\u178a"


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Nguyễn Văn An", "nguyenvanan"),
        ("NGUYEN van-an", "nguyenvanan"),
        ("Đặng Thị Ánh", "dangthianh"),
        ("O'Brien, Seán", "obriensean"),
        ("Straße", "strasse"),
        ("\uff33\uff4f\uff4b\u3000\uff24\uff41\uff52\uff41", "sokdara"),  # full-width
        ("王 小明", "王小明"),
        ("Łukasz Żółć", "lukaszzolc"),
    ],
)
def test_latin_and_other_names_lose_case_spaces_punctuation_and_latin_marks(
    typed: str, normal: str
) -> None:
    assert normal_form(typed) == normal


def test_khmer_subscript_order_and_look_alike_subscripts_are_one_form() -> None:
    # ស្ត្រី "woman": subscript TA then RO, as it should be typed, or RO first
    canonical = "ស" + COENG + TA + COENG + RO + "ី"
    assert normal_form("ស" + COENG + RO + COENG + TA + "ី") == normal_form(canonical)
    # subscript DA looks like subscript TA: ស្ដ is ស្ត
    assert normal_form("ស" + COENG + DA + "ី") == normal_form("ស" + COENG + TA + "ី")
    # a vowel typed before the subscript it follows on screen: ក + ា + ្ + រ = ក្រា
    assert normal_form("កា" + COENG + RO) == normal_form("ក" + COENG + RO + "ា")
    # the vowel oe typed as e + ii
    assert normal_form("ដ\u17c1\u17b8ម") == normal_form("ដ\u17beម")
    # zero-width spaces between syllables, which Khmer text often carries
    assert normal_form("សុ\u200bភា") == normal_form("សុភា") == "សុភា"
    # but different consonants stay different
    assert normal_form("សុភា") != normal_form("សុខា")


def test_lao_tone_marks_follow_the_vowel_marks_and_am_is_decomposed() -> None:
    tone, above = "\u0ec8", "\u0eb4"
    assert normal_form("ກ" + tone + above) == normal_form("ກ" + above + tone)
    # ຳ (AM) and its parts, with the tone typed after the whole vowel or inside it
    assert normal_form("ຄ\u0eb3") == normal_form("ຄ\u0ecd\u0eb2")
    assert normal_form("ຄ\u0ecd\u0eb2" + tone) == normal_form("ຄ\u0ecd" + tone + "\u0eb2")
    # ໜ is ຫນ
    assert normal_form("ໜ່ອຍ") == normal_form("ຫນ່ອຍ")


def test_the_name_key_and_search_terms() -> None:
    assert name_key("Keo", "Dara") == "keo dara"
    assert name_key("", "Sokha") == "sokha"
    assert search_terms("  Keo  DARA! ") == ["keo", "dara"]
    assert search_terms("...") == []


def test_similarity_accepts_swapped_names_and_small_slips_only() -> None:
    assert similarity(name_key("Chan", "Sophea"), name_key("Sophea", "Chan")) == 1.0
    assert similarity(name_key("Chan", "Sophea"), name_key("Chann", "Sopheap")) >= THRESHOLD
    assert similarity(name_key("Chan", "Sophea"), name_key("Chea", "Sokha")) < THRESHOLD
    assert similarity(name_key("ចាន់", "សុភា"), name_key("ចាន", "សុភា")) >= THRESHOLD
    assert similarity(name_key("ចាន់", "សុភា"), name_key("កែវ", "ដារ៉ា")) < THRESHOLD
