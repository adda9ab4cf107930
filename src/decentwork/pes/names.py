"""Names compared across the ways people write them: a name's normal form, and how similar
two names are.

The normal form is what stays of a name once the differences that do not make it another
name are taken away: Unicode compatibility forms (NFKC: full-width letters, Lao's ``ຳ`` and
``ໜ``), case (case folding), white space, punctuation and invisible characters (zero-width
spaces and joiners), the diacritics of Latin letters (``Nguyễn`` is ``nguyen``), and in
Khmer and Lao the orders in which the marks of one syllable can be typed and look the same:
Khmer subscripts (coeng) before the vowel and subscript RO after the other subscripts, with
subscript DA written as subscript TA (they look alike) and split vowels joined; Lao vowels
above or below before tone marks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

THRESHOLD = 0.85
"""Similarity from which two names with the same date of birth make a likely duplicate."""

_COENG, _RO, _DA, _TA = "\u17d2", "\u179a", "\u178a", "\u178f"
_LATIN_LETTERS = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "\u0131": "i"}
)
_KHMER_JOINED = (
    ("\u17c1\u17b8", "\u17be"),
    ("\u17c1\u17b6", "\u17c4"),
    ("\u17a3", "\u17a2"),
    ("\u17a4", "\u17a2\u17b6"),
)
_LAO_TONE_AFTER_AM = re.compile("(\u0ecd)(\u0eb2)([\u0ec8-\u0ecb])")


def _khmer_rank(mark: str) -> int:
    """Where a Khmer mark (or coeng pair) goes after its base: robat, subscripts, subscript
    RO, register shifters, vowels, other signs."""
    first = mark[0]
    if first == "\u17cc":
        return 1
    if first == _COENG:
        return 3 if mark[1:] == _RO else 2
    if first in "\u17c9\u17ca":
        return 4
    if "\u17b6" <= first <= "\u17c5":
        return 5
    return 6


def _lao_rank(mark: str) -> int:
    """Where a Lao mark goes after its consonant: subscript LO, vowels below, vowels above,
    tone marks, cancellation mark."""
    if mark == "\u0ebc":
        return 1
    if mark in "\u0eb8\u0eb9":
        return 2
    if mark in "\u0eb1\u0eb4\u0eb5\u0eb6\u0eb7\u0ebb\u0ecd":
        return 3
    if "\u0ec8" <= mark <= "\u0ecb":
        return 4
    return 5


def _is_khmer_mark(char: str) -> bool:
    return "\u17b6" <= char <= "\u17d3" or char == "\u17dd"


def _is_lao_mark(char: str) -> bool:
    return (
        char in "\u0eb1\u0eb4\u0eb5\u0eb6\u0eb7\u0eb8\u0eb9\u0ebb\u0ebc\u0ec8\u0ec9\u0eca"
        "\u0ecb\u0ecc\u0ecd"
    )


def _reorder_khmer(text: str) -> str:
    """Each Khmer syllable's marks in one order (see the module's description)."""
    out: list[str] = []
    marks: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == _COENG and i + 1 < len(text):
            following = text[i + 1]
            marks.append(_COENG + (_TA if following == _DA else following))
            i += 2
            continue
        if _is_khmer_mark(char):
            marks.append(char)
        else:
            out.extend(sorted(marks, key=_khmer_rank))
            marks = []
            if char not in "\u17b4\u17b5":  # invisible inherent vowels
                out.append(char)
        i += 1
    out.extend(sorted(marks, key=_khmer_rank))
    joined = "".join(out)
    for variant, single in _KHMER_JOINED:
        joined = joined.replace(variant, single)
    return joined


def _reorder_lao(text: str) -> str:
    """Each Lao syllable's marks in one order (see the module's description)."""
    text = _LAO_TONE_AFTER_AM.sub(r"\1\3\2", text)
    out: list[str] = []
    marks: list[str] = []
    for char in text:
        if _is_lao_mark(char):
            marks.append(char)
        else:
            out.extend(sorted(marks, key=_lao_rank))
            marks = []
            out.append(char)
    out.extend(sorted(marks, key=_lao_rank))
    return "".join(out)


def _strip_latin_marks(text: str) -> str:
    """Latin letters without their diacritics; marks on other scripts' letters stay."""
    out = []
    latin = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.category(char) == "Mn":
            if not latin:
                out.append(char)
            continue
        latin = unicodedata.name(char, "").startswith("LATIN")
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def normal_form(name: str) -> str:
    """``name`` in its normal form (see the module's description): ``"Nguyễn  Văn-An"`` is
    ``"nguyenvanan"``."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_LATIN_LETTERS)
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "PSZC")
    text = _strip_latin_marks(text)
    if any("\u1780" <= c <= "\u17ff" for c in text):
        text = _reorder_khmer(text)
    if any("\u0e80" <= c <= "\u0eff" for c in text):
        text = _reorder_lao(text)
    return text


def name_key(family_name: str, given_names: str) -> str:
    """What a seeker's name is searched and compared by: the normal forms of the family name
    and the given names, separated by a space."""
    return f"{normal_form(family_name)} {normal_form(given_names)}".strip()


def similarity(key: str, other: str) -> float:
    """How alike two name keys are, from 0 to 1 (difflib's ratio), whichever way round the
    family and given names were entered."""

    def ratio(a: str, b: str) -> float:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()

    joined = key.replace(" ", "")
    parts = other.split(" ", 1)
    swapped = "".join(reversed(parts))
    return max(ratio(joined, other.replace(" ", "")), ratio(joined, swapped))


def search_terms(text: str) -> list[str]:
    """The normal forms of the words of a name search (each must occur in a name key)."""
    return [term for term in (normal_form(word) for word in text.split()) if term]
