"""The CSPro data dictionary (``.dcf``): records, items with their positions, value sets.

A ``.dcf`` file is INI-like text: a ``[Dictionary]`` section (record type position, defaults),
``[Level]``, ``[IdItems]``, ``[Record]`` sections, each followed by its ``[Item]`` sections
(``Name``, ``Start``, ``Len``, ``DataType``, ``Decimal``, ``DecimalChar``, ``Occurs``), each item
followed by its ``[ValueSet]`` sections (``Value=codes;label`` lines, where codes are values
or ``low:high`` ranges separated by blanks, alphanumeric values in quotes). Keys repeat
(``Value``, ``Note``), so the file is read line by line rather than with :mod:`configparser`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from decentwork.errors import NotFound
from decentwork.survey.errors import ProfileError

SUFFIX = ".dcf"
RANGE_LABELS_UP_TO = 1000
"""A value-set range gives its label to each of its values when it holds at most this many."""

Code = int | float | str


@dataclass(frozen=True)
class ValueSetEntry:
    """One ``Value=`` line: the codes (single values or inclusive ranges) and their label."""

    ranges: tuple[tuple[Code, Code], ...]
    label: str


@dataclass(frozen=True)
class Item:
    """A variable of a record: ``length`` characters from ``start`` (1-based) of the line.

    ``decimals`` are implied (the value 12345 with two decimals is 123.45) unless
    ``decimal_char`` says the decimal point is written in the data.
    """

    name: str
    label: str
    start: int
    length: int
    numeric: bool
    decimals: int
    decimal_char: bool
    line: int
    """The dictionary line of the item's ``[Item]`` header."""
    values: tuple[ValueSetEntry, ...] = ()
    """The item's first value set (CSPro's primary one), in dictionary order."""

    @property
    def end(self) -> int:
        """The last position of the item (1-based, inclusive)."""
        return self.start + self.length - 1

    @property
    def positions(self) -> str:
        """``start-end`` as text, for messages."""
        return f"{self.start}-{self.end}" if self.length > 1 else str(self.start)

    def labels(self) -> dict[Code, str]:
        """{code: label} from the first value set: single values, and the values of integer
        ranges of at most :data:`RANGE_LABELS_UP_TO` codes; the first entry holding a code
        gives its label (CSPro's rule). Blank (not applicable) codes and entries without a
        label are left out."""
        out: dict[Code, str] = {}
        for entry in self.values:
            if not entry.label:
                continue
            for low, high in entry.ranges:
                if low == high:
                    out.setdefault(low, entry.label)
                elif (
                    isinstance(low, int)
                    and isinstance(high, int)
                    and 0 <= high - low < RANGE_LABELS_UP_TO
                ):
                    for code in range(low, high + 1):
                        out.setdefault(code, entry.label)
        return out


@dataclass(frozen=True)
class Record:
    """A record type: the lines whose record type code is ``type_value``."""

    name: str
    label: str
    type_value: str
    length: int
    """The record's length in characters (``RecordLen``, else the end of its last item)."""
    items: tuple[Item, ...]
    line: int


@dataclass(frozen=True)
class Dictionary:
    """A parsed CSPro data dictionary."""

    path: Path
    name: str
    label: str
    type_start: int
    type_length: int
    id_items: tuple[Item, ...]
    records: tuple[Record, ...]

    def record(self, name: str | None = None) -> Record:
        """The record called ``name``, or the only record when ``name`` is None.

        Raises:
            ProfileError: no record of that name, or several records and no name.
        """
        names = ", ".join(f"{r.name} (type {r.type_value!r})" for r in self.records)
        if name is None:
            if len(self.records) == 1:
                return self.records[0]
            raise ProfileError(
                f"{self.path}: the dictionary has {len(self.records)} record types ({names}); "
                "input.record must say which one holds the persons",
                parameter="record",
                expected=names,
            )
        for record in self.records:
            if record.name.lower() == name.lower():
                return record
        raise ProfileError(
            f"{self.path}: input.record {name!r}: no such record (records: {names})",
            parameter="record",
            given=name,
            expected=names,
        )

    def items(self, record: Record) -> tuple[Item, ...]:
        """The columns of ``record``'s lines: the identification items, then its own."""
        return (*self.id_items, *record.items)


def dictionary_beside(data: Path) -> Path:
    """The dictionary of the data file ``data``: the ``.dcf`` file of the same name beside it
    (the suffix in any case).

    Raises:
        NotFound: there is none.
    """
    for candidate in sorted(data.parent.glob(f"{glob_escape(data.stem)}.*")):
        if candidate.suffix.lower() == SUFFIX and candidate.is_file():
            return candidate
    raise NotFound(
        f"{data}: no CSPro dictionary beside it ({data.with_suffix(SUFFIX).name}); give the "
        "dictionary's path",
        parameter="dictionary",
        expected="a .dcf file",
        hint="a CSPro data file is read with its data dictionary (.dcf)",
    )


def glob_escape(name: str) -> str:
    """``name`` with the glob characters ``*?[`` taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def read_dictionary(path: str | Path) -> Dictionary:
    """Parse the CSPro dictionary at ``path``.

    Raises:
        NotFound: no such file.
        ProfileError: the file is not a CSPro dictionary, or an entry is malformed; the message
            names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such dictionary file", parameter="dictionary", given=path)
    return _parse(path.resolve(), path.stat().st_mtime_ns)


@functools.cache
def _parse(path: Path, mtime_ns: int) -> Dictionary:
    """The dictionary at ``path`` (cached per file version)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ProfileError(
            f"{path}: line {line}: not UTF-8 text (byte "
            f"{error.object[error.start]:#04x}); CSPro 7 writes dictionaries "
            "in UTF-8"
        ) from None
    except OSError as error:
        raise ProfileError(f"{path}: cannot read the dictionary ({error.strerror})") from None
    return _Parser(path).parse(text.splitlines())


@dataclass
class _Section:
    kind: str
    line: int
    keys: list[tuple[str, str, int]] = field(default_factory=list)

    def get(self, key: str) -> tuple[str, int] | None:
        """The first value of ``key`` (case-insensitive) and its line."""
        for name, value, line in self.keys:
            if name.lower() == key.lower():
                return value, line
        return None


class _Parser:
    """Turns the sections of a ``.dcf`` file into a :class:`Dictionary`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: int, message: str) -> ProfileError:
        return ProfileError(f"{self.path}: line {line}: {message}")

    def sections(self, lines: list[str]) -> list[_Section]:
        sections: list[_Section] = []
        for number, raw in enumerate(lines, start=1):
            text = raw.strip()
            if not text:
                continue
            if text.startswith("[") and text.endswith("]"):
                sections.append(_Section(text[1:-1].strip().lower(), number))
            elif not sections:
                raise self.error(
                    number,
                    f"{text[:40]!r} before any [section]; not a CSPro "
                    "dictionary (it starts with [Dictionary])",
                )
            elif "=" not in text:
                raise self.error(number, f"{text[:40]!r} is not a key=value line")
            else:
                key, value = text.split("=", 1)
                sections[-1].keys.append((key.strip(), value.strip(), number))
        if not sections or sections[0].kind != "dictionary":
            raise ProfileError(
                f"{self.path}: not a CSPro dictionary (its first section is not [Dictionary])"
            )
        return sections

    def parse(self, lines: list[str]) -> Dictionary:
        sections = self.sections(lines)
        head = sections[0]
        decimal_char = self.flag(head, "DecimalChar", False)
        type_start = self.number(head, "RecordTypeStart", 0)
        type_length = self.number(head, "RecordTypeLen", 0)
        id_items: list[_Pending] = []
        records: list[tuple[_Section, list[_Pending]]] = []
        current: list[_Pending] | None = None
        for section in sections[1:]:
            if section.kind == "iditems":
                current = id_items
            elif section.kind == "record":
                records.append((section, []))
                current = records[-1][1]
            elif section.kind == "item":
                if current is None:
                    raise self.error(section.line, "[Item] outside [IdItems] or a [Record]")
                current.append(self.item(section, decimal_char))
            elif section.kind == "valueset":
                if not current:
                    raise self.error(section.line, "[ValueSet] before any [Item]")
                pending = current[-1]
                if not pending.item.values:
                    values = tuple(
                        self.value(pending.item, value, line)
                        for key, value, line in section.keys
                        if key.lower() == "value"
                    )
                    pending.item = dataclasses.replace(
                        pending.item, values=tuple(v for v in values if v.ranges)
                    )
        if not records:
            raise ProfileError(f"{self.path}: the dictionary has no [Record]")
        parsed = tuple(self.record(section, items, type_length) for section, items in records)
        ids = tuple(item for pending in id_items for item in pending.expand())
        names = [i.name.lower() for i in ids] + [i.name.lower() for r in parsed for i in r.items]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ProfileError(f"{self.path}: items named more than once: {', '.join(duplicated)}")
        return Dictionary(
            path=self.path,
            name=self.text(head, "Name"),
            label=self.text(head, "Label"),
            type_start=type_start,
            type_length=type_length,
            id_items=ids,
            records=parsed,
        )

    def record(self, section: _Section, items: list[_Pending], type_length: int) -> Record:
        name = self.required(section, "Name")
        type_value = self.text(section, "RecordTypeValue").strip("'\"")
        if type_length and len(type_value) != type_length:
            raise self.error(
                section.line,
                f"record {name}: RecordTypeValue {type_value!r} is "
                f"not {type_length} character(s) long (RecordTypeLen)",
            )
        expanded = [item for pending in items for item in pending.expand()]
        length = self.number(section, "RecordLen", max((i.end for i in expanded), default=0))
        for item in expanded:
            if item.end > length:
                raise self.error(
                    item.line,
                    f"item {item.name} (positions {item.positions}) "
                    f"ends after the record's length {length} (RecordLen)",
                )
        return Record(
            name=name,
            label=self.text(section, "Label"),
            type_value=type_value,
            length=length,
            items=tuple(expanded),
            line=section.line,
        )

    def item(self, section: _Section, decimal_char: bool) -> _Pending:
        name = self.required(section, "Name")
        kind, line = section.get("DataType") or ("Numeric", section.line)
        if kind.lower() not in ("numeric", "alpha"):
            raise self.error(line, f"item {name}: DataType {kind!r} is not Numeric or Alpha")
        start = self.number(section, "Start", None, name)
        length = self.number(section, "Len", None, name)
        if start < 1 or length < 1:
            raise self.error(section.line, f"item {name}: Start and Len must be at least 1")
        item = Item(
            name=name,
            label=self.text(section, "Label"),
            start=start,
            length=length,
            numeric=kind.lower() == "numeric",
            decimals=self.number(section, "Decimal", 0, name),
            decimal_char=self.flag(section, "DecimalChar", decimal_char),
            line=section.line,
        )
        return _Pending(item, self.number(section, "Occurs", 1, name))

    def value(self, item: Item, text: str, line: int) -> ValueSetEntry:
        """A ``Value=`` line: codes (``a``, ``a:b``, ``'x'``) separated by blanks, then
        ``;label``; blank alphanumeric codes (CSPro's not-applicable) are left out."""
        codes, label = _split_label(text)
        ranges: list[tuple[Code, Code]] = []
        for token in re.findall(r"'[^']*'|\"[^\"]*\"|\S+", codes):
            if token[0] in "'\"":
                if token[1:-1].strip():
                    ranges.append((token[1:-1], token[1:-1]))
                continue
            low, _, high = token.partition(":")
            ranges.append((self.code(item, low, line), self.code(item, high or low, line)))
        return ValueSetEntry(tuple(ranges), label)

    def code(self, item: Item, text: str, line: int) -> Code:
        if not item.numeric:
            return text
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            raise self.error(line, f"item {item.name}: value {text!r} is not a number") from None

    def required(self, section: _Section, key: str) -> str:
        found = section.get(key)
        if found is None or not found[0]:
            raise self.error(section.line, f"[{section.kind.title()}] without {key}")
        return found[0]

    def text(self, section: _Section, key: str) -> str:
        found = section.get(key)
        return found[0] if found else ""

    def number(
        self, section: _Section, key: str, default: int | None, owner: str | None = None
    ) -> int:
        found = section.get(key)
        where = f"item {owner}: " if owner else ""
        if found is None:
            if default is None:
                raise self.error(section.line, f"{where}{key} missing")
            return default
        value, line = found
        if not re.fullmatch(r"\d+", value):
            raise self.error(line, f"{where}{key}={value!r} is not a whole number")
        return int(value)

    def flag(self, section: _Section, key: str, default: bool) -> bool:
        found = section.get(key)
        if found is None:
            return default
        value, line = found
        if value.lower() not in ("yes", "no"):
            raise self.error(line, f"{key}={value!r}: expected Yes or No")
        return value.lower() == "yes"


@dataclass
class _Pending:
    """An item as read, with its ``Occurs``, before its occurrences are spread out."""

    item: Item
    occurs: int

    def expand(self) -> list[Item]:
        """The item, or with ``Occurs`` > 1 one item per occurrence: ``NAME_1``,
        ``NAME_2``... one after the other."""
        if self.occurs == 1:
            return [self.item]
        return [
            dataclasses.replace(
                self.item,
                name=f"{self.item.name}_{k}",
                start=self.item.start + (k - 1) * self.item.length,
            )
            for k in range(1, self.occurs + 1)
        ]


def _split_label(text: str) -> tuple[str, str]:
    """A ``Value=`` line's codes and label: split at the first ``;`` outside quotes."""
    quote = ""
    for position, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ";":
            return text[:position], text[position + 1 :].strip()
    return text, ""
