"""The names of what the data name in English, in the six languages: indicators, areas,
breakdowns (sex and classifications), the results frameworks' texts (titles, outcomes,
targets, indicators, milestones) and the progress statuses. One Babel catalogue
(``locales/<lang>/LC_MESSAGES/messages.po``, whose message ids are the English texts), read
by the dashboard and the country briefs alike, so that the two never name a thing
differently; their own catalogues hold only their pages' words.

A name is looked up in this order: the warehouse's own label in the language (ILOSTAT's
dictionaries in another language, a ministry's labels), else, for a country, its name in the
Unicode CLDR (Babel), else the catalogue's translation of the English label (a label in two
parts, ``World: Low income``, translated part by part), else the English label (marked as
such by the pages and the briefs), else the code itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale
from babel.messages.pofile import read_po

from decentwork.translations import SOURCE, catalogue, check_language

PACKAGE = "decentwork.names"
PARTS = ": "
"""What joins the two parts of a label (``Age (Youth, adults): 15-24``)."""
JOINS = {"zh": "\uff1a", "fr": " : ", "km": "\u17d6 "}
"""What joins them in a language that writes it otherwise (else :data:`PARTS`): a
full-width colon in Chinese, the Khmer camnuc pii kuuh."""
NEUTRAL = re.compile(r"[\d\s+\-\u2013<>=.,%()/]+")
"""A text the same in every language: numbers, ranges and signs (``15-24``, ``65+``)."""


@dataclass(frozen=True)
class Name:
    """A name as shown: its ``text`` and the language it is in (None: it is a code)."""

    text: str
    lang: str | None


@cache
def messages(lang: str) -> dict[str, str]:
    """The catalogue of ``lang``: each English text and its translation (translated ones
    only; none for English)."""
    check_language(lang)
    if lang == SOURCE:
        return {}
    with catalogue(PACKAGE, lang).open("rb") as po:
        return {
            m.id: m.string
            for m in read_po(po, locale=lang)
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string
        }


@cache
def folded(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` by English text in lower case (:meth:`str.casefold`):
    ILOSTAT writes the same label with capitals in one file and without in another
    (``Technicians and Associate Professionals``, ``Technicians and associate
    professionals``)."""
    return {english.casefold(): text for english, text in messages(lang).items()}


@cache
def translated(english: str, lang: str) -> str | None:
    """``english`` in ``lang`` from the catalogue (itself in English; a text of numbers
    alone is the same in any language; a text the catalogue holds with other capitals is
    found too; a label in two parts joined by ``": "`` is translated part by part), None
    when the catalogue has no translation."""
    if lang == SOURCE or NEUTRAL.fullmatch(english):
        return english
    found = messages(lang).get(english) or folded(lang).get(english.casefold())
    if found is not None:
        return found
    head, joined, tail = english.partition(PARTS)
    if not joined:
        return None
    first, second = translated(head, lang), translated(tail, lang)
    if first is None or second is None:
        return None
    return f"{first}{JOINS.get(lang, PARTS)}{second}"


def text(english: str, lang: str) -> Name:
    """A text from the data (a framework's title, a status...) in ``lang`` where the
    catalogue has it, else in English."""
    found = translated(english, lang)
    return Name(found, lang) if found is not None else Name(english, SOURCE)


def label(code: str, lang: str, own: str | None = None, english: str | None = None) -> Name:
    """The name of ``code`` in ``lang``: ``own`` (the warehouse's label in ``lang``), else
    the catalogue's translation of ``english`` (its English label), else ``english``, else
    the code."""
    if own:
        return Name(own, lang)
    if english:
        return text(english, lang)
    return Name(code, None)


@cache
def country(code: str, lang: str) -> str | None:
    """The name of the country ``code`` (ISO 3166-1 alpha-3) in ``lang`` from the Unicode
    CLDR, None for any other code."""
    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if found is None:
        return None
    return Locale.parse(lang).territories.get(found.alpha_2)


def area(code: str, lang: str, own: str | None = None, english: str | None = None) -> Name:
    """The name of area ``code`` in ``lang``: ``own`` (the warehouse's label in ``lang``),
    else the country's name in the CLDR, else as :func:`label`."""
    if own:
        return Name(own, lang)
    found = country(code, lang)
    return Name(found, lang) if found else label(code, lang, english=english)
