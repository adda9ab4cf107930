"""A hierarchical classification: codes with levels, titles, parents and children, labels in
several languages, and validation that says what is wrong with a code."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from decentwork.errors import NotFound


class UnknownCode(NotFound):
    """A code the classification does not have (or a group a code does not have); the
    message says which and suggests close codes. A ``LookupError``, as a ``KeyError`` was."""


@dataclass(frozen=True)
class Node:
    """One group of a classification."""

    code: str
    level: int
    title: str
    parent: str | None
    details: Mapping[str, str] = field(default_factory=dict)
    """Further text by name: definition, tasks, included and excluded occupations, notes."""


class Hierarchy:
    """The groups of one classification (e.g. ISCO-08), with navigation and labels."""

    def __init__(
        self,
        name: str,
        nodes: list[Node],
        levels: Mapping[int, str],
        labels: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """``levels`` names each level (1: "major group"...); ``labels`` maps a language to
        {code: label} for languages other than the titles' own (English)."""
        self.name = name
        self.levels = dict(levels)
        self._nodes = {node.code: node for node in nodes}
        self._children: dict[str | None, list[str]] = {}
        for node in nodes:
            self._children.setdefault(node.parent, []).append(node.code)
        self._labels = {lang: dict(found) for lang, found in (labels or {}).items()}

    def __contains__(self, code: object) -> bool:
        return code in self._nodes

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes.values())

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, code: str) -> Node:
        """The group ``code``.

        Raises:
            UnknownCode: naming the classification and suggesting close codes or titles.
        """
        code = str(code).strip()
        if code in self._nodes:
            return self._nodes[code]
        close = difflib.get_close_matches(code, list(self._nodes), n=3)
        suggestion = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownCode(
            f"{self.name}: no code {code!r}{suggestion}",
            given=code,
            expected=f"a code of {self.name}",
        )

    def problem(self, code: str, level: int | None = None) -> str | None:
        """Why ``code`` is not a valid code (at ``level``, when given), or None."""
        try:
            node = self.node(code)
        except UnknownCode as error:
            return str(error)
        if level is not None and node.level != level:
            return (
                f"{self.name}: {code} is a {self.levels.get(node.level, node.level)}, not a "
                f"{self.levels.get(level, level)}"
            )
        return None

    def is_valid(self, code: str, level: int | None = None) -> bool:
        """Whether ``code`` is a code of the classification (at ``level``, when given)."""
        return self.problem(code, level) is None

    def parent(self, code: str) -> Node | None:
        """The group one level up, or None at the top."""
        parent = self.node(code).parent
        return None if parent is None else self._nodes[parent]

    def ancestors(self, code: str) -> list[Node]:
        """The groups above ``code``, top first."""
        chain = []
        node = self.parent(code)
        while node is not None:
            chain.append(node)
            node = self.parent(node.code)
        return chain[::-1]

    def children(self, code: str | None = None) -> list[Node]:
        """The groups one level down (the top level for None)."""
        if code is not None:
            self.node(code)
        return [self._nodes[c] for c in self._children.get(code, [])]

    def at_level(self, code: str, level: int) -> Node:
        """The group containing ``code`` at ``level`` (itself or an ancestor)."""
        node = self.node(code)
        for candidate in [*self.ancestors(code), node]:
            if candidate.level == level:
                return candidate
        raise UnknownCode(
            f"{self.name}: {code} has no group at level {level}",
            given=level,
            expected=f"a level from 1 to {node.level}",
        )

    def label(self, code: str, lang: str = "en") -> str:
        """The group's title in ``lang`` (English titles, other languages where a source
        gives them; falls back to English)."""
        node = self.node(code)
        if lang == "en":
            return node.title
        return self._labels.get(lang, {}).get(node.code, node.title)

    @property
    def languages(self) -> list[str]:
        """Languages with labels."""
        return ["en", *sorted(self._labels)]
