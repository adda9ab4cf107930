"""Open a survey file as a DuckDB relation that reads only the columns a profile needs.

CSV and Parquet are read by DuckDB; Stata ``.dta`` and SPSS ``.sav`` by pyreadstat; CSPro
text data by DuckDB through its data dictionary (:mod:`decentwork.survey.cspro`), found
beside the data file by name unless given. A zip archive's member is streamed to a temporary
directory (DuckDB has no zip reader), once per process and archive.
"""

from __future__ import annotations

import atexit
import codecs
import fnmatch
import functools
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyreadstat

from decentwork.errors import NotFound
from decentwork.estimation.source import database
from decentwork.survey.cspro import data as cspro
from decentwork.survey.cspro.dictionary import (
    SUFFIX as DICTIONARY_SUFFIX,
)
from decentwork.survey.cspro.dictionary import (
    Dictionary,
    dictionary_beside,
    read_dictionary,
)
from decentwork.survey.errors import ProfileError
from decentwork.survey.profile import Input

SUFFIXES = {
    "csv": (".csv", ".txt", ".tsv"),
    "parquet": (".parquet", ".pq"),
    "dta": (".dta",),
    "sav": (".sav", ".zsav"),
}
"""The file name suffixes of each format (CSPro data files have any suffix)."""
READSTAT = {"dta": pyreadstat.read_dta, "sav": pyreadstat.read_sav}
CSPRO_DATABASE = ".csdb"


def data_file(spec: Input, path: str | Path) -> Path:
    """The file to read: ``path`` itself, or its zip member extracted to a temporary file.

    Raises:
        NotFound: no such file.
        ProfileError: a corrupt zip, no or several matching members, or a file whose type is
            not the profile's format.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such file", given=path)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        path = _extract(path.resolve(), path.stat().st_mtime_ns, _member(spec, path))
    elif spec.format != "cspro" and not path.name.lower().endswith(SUFFIXES[spec.format]):
        raise ProfileError(
            f"{path}: the profile reads {spec.format} files "
            f"({', '.join(SUFFIXES[spec.format])}), not {path.suffix or 'files without suffix'}"
        )
    if spec.format == "cspro":
        _check_cspro_name(path)
    return path


def _check_cspro_name(path: Path) -> None:
    """Refuse a CSPro dictionary or database given as the data file."""
    suffix = path.suffix.lower()
    if suffix == DICTIONARY_SUFFIX:
        raise ProfileError(
            f"{path}: this is a CSPro dictionary; give the data file (its "
            "dictionary is found beside it by name, or given as dictionary)"
        )
    if suffix == CSPRO_DATABASE:
        raise ProfileError(
            f"{path}: a CSPro database (.csdb) cannot be read; export it to a "
            "text data file with CSPro (Export Data) and read that"
        )


def dictionary_file(spec: Input, path: str | Path, dictionary: str | Path | None = None) -> Path:
    """The CSPro dictionary of the data file ``path``: ``dictionary`` when given, else the
    ``.dcf`` file of the same name beside it (or beside the member in a zip archive).

    Raises:
        NotFound: no dictionary there.
    """
    if dictionary is not None:
        if not Path(dictionary).is_file():
            raise NotFound(
                f"{dictionary}: no such dictionary file", parameter="dictionary", given=dictionary
            )
        return Path(dictionary)
    return dictionary_beside(data_file(spec, path))


def _member(spec: Input, path: Path) -> str:
    """The zip member to read: the one matching the profile's ``zip_member`` glob, or the only
    member with the format's suffix (CSPro: the only member with a dictionary beside it, which
    is extracted with it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise ProfileError(f"{path}: not a readable zip archive ({error})") from None
    if spec.zip_member:
        found = [
            m for m in members if fnmatch.fnmatch(Path(m).name.lower(), spec.zip_member.lower())
        ]
        wanted = f"matches input.zip_member {spec.zip_member!r}"
    elif spec.format == "cspro":
        stems = {
            str(Path(m).with_suffix("")).lower()
            for m in members
            if m.lower().endswith(DICTIONARY_SUFFIX)
        }
        found = [
            m
            for m in members
            if not m.lower().endswith(DICTIONARY_SUFFIX)
            and str(Path(m).with_suffix("")).lower() in stems
        ]
        wanted = "is a CSPro data file with its dictionary (set input.zip_member to choose)"
    else:
        found = [m for m in members if m.lower().endswith(SUFFIXES[spec.format])]
        wanted = f"is a {spec.format} file (set input.zip_member to choose)"
    if len(found) != 1:
        raise ProfileError(
            f"{path}: {'no member' if not found else f'{len(found)} members'} {wanted}; "
            f"members: {', '.join(members) or 'none'}"
        )
    if spec.format == "cspro":
        stem = str(Path(found[0]).with_suffix("")).lower()
        for member in members:
            if member.lower() == stem + DICTIONARY_SUFFIX:
                _extract(path.resolve(), path.stat().st_mtime_ns, member)
    return found[0]


@functools.cache
def _scratch() -> Path:
    """A temporary directory for extracted zip members, removed when the process ends."""
    directory = Path(tempfile.mkdtemp(prefix="decentwork-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


@functools.cache
def _extract(path: Path, mtime_ns: int, member: str) -> Path:
    """Stream ``member`` of the zip ``path`` to a temporary file (cached per file version),
    in a folder of the archive's own, so that a CSPro dictionary lands beside its data."""
    inside = PurePosixPath(member)
    target = _folder(path, mtime_ns, str(inside.parent)) / inside.name
    try:
        with (
            zipfile.ZipFile(path) as archive,
            archive.open(member) as source,
            target.open("wb") as sink,
        ):
            shutil.copyfileobj(source, sink, 1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ProfileError(f"{path}: cannot extract {member} ({error})") from None
    return target


@functools.cache
def _folder(path: Path, mtime_ns: int, inside: str) -> Path:
    """The temporary folder of the members of one folder ``inside`` one version of the zip
    archive ``path``."""
    return Path(tempfile.mkdtemp(dir=_scratch()))


def columns(spec: Input, path: str | Path, dictionary: str | Path | None = None) -> list[str]:
    """The raw column names of the survey file (``dictionary``: a CSPro file's dictionary,
    by default the ``.dcf`` beside it)."""
    file = data_file(spec, path)
    if spec.format == "cspro":
        return cspro.columns(_dictionary(spec, path, dictionary), spec.record)
    _no_dictionary(spec, dictionary)
    if spec.format in READSTAT:
        return list(_readstat_meta(spec, file).column_names)
    return list(_scan(spec, file).columns)


def read(
    spec: Input, path: str | Path, needed: list[str], dictionary: str | Path | None = None
) -> duckdb.DuckDBPyRelation:
    """The survey file as a relation holding only the ``needed`` raw columns."""
    file = data_file(spec, path)
    if spec.format == "cspro":
        return cspro.read(
            _dictionary(spec, path, dictionary), _utf8(spec, file), needed, spec.record
        )
    _no_dictionary(spec, dictionary)
    if spec.format in READSTAT:
        frame, _ = _readstat(spec, file, usecols=needed)
        return database().cursor().from_df(frame)
    return _scan(spec, file).select(*(duckdb.ColumnExpression(c) for c in needed))


def scan_file(spec: Input, path: str | Path) -> tuple[Path, duckdb.DuckDBPyRelation]:
    """A CSV or Parquet survey file as another engine should read it (a zip's member
    extracted, text in UTF-8), and DuckDB's lazy scan of it, whose column types that engine
    can take (DuckDB's CSV sniffer reads a sample, not the file)."""
    file = data_file(spec, path)
    scan = _scan(spec, file)
    return (_utf8(spec, file) if spec.format == "csv" else file), scan


def value_labels(
    spec: Input, path: str | Path, dictionary: str | Path | None = None
) -> dict[str, dict[Any, str]]:
    """{column: {value: label}} from a Stata or SPSS file, or from the value sets of a CSPro
    file's dictionary; empty for CSV and Parquet."""
    if spec.format == "cspro":
        found = _dictionary(spec, path, dictionary)
        items = found.items(found.record(spec.record))
        return {item.name: labels for item in items if (labels := item.labels())}
    _no_dictionary(spec, dictionary)
    if spec.format not in READSTAT:
        return {}
    return dict(_readstat_meta(spec, data_file(spec, path)).variable_value_labels)


def _no_dictionary(spec: Input, dictionary: str | Path | None) -> None:
    """Refuse a dictionary for a format that has none."""
    if dictionary is not None:
        raise ProfileError(
            f"{dictionary}: a dictionary is read with CSPro data only; the "
            f"profile reads {spec.format} files",
            parameter="dictionary",
            given=dictionary,
            expected="no dictionary, or a profile of format cspro",
        )


def _dictionary(spec: Input, path: str | Path, dictionary: str | Path | None) -> Dictionary:
    """The parsed CSPro dictionary of the data file ``path``."""
    return read_dictionary(dictionary_file(spec, path, dictionary))


def _utf8(spec: Input, file: Path) -> Path:
    """``file``, or a UTF-8 copy of it when the profile gives another encoding."""
    if _codec(spec.encoding) == "utf-8":
        return file
    return _transcoded(file.resolve(), file.stat().st_mtime_ns, spec.encoding)


def _scan(spec: Input, file: Path) -> duckdb.DuckDBPyRelation:
    """A lazy DuckDB scan of a CSV or Parquet file."""
    con = database().cursor()
    try:
        if spec.format == "parquet":
            return con.read_parquet(str(file))
        options: dict[str, Any] = {}
        if spec.delimiter:
            options["delimiter"] = spec.delimiter
        return con.read_csv(str(_utf8(spec, file)), **options)
    except duckdb.Error as error:
        raise ProfileError(f"{file}: cannot read as {spec.format}: {_first_line(error)}") from None


def _codec(encoding: str) -> str:
    """Python's canonical name of an encoding (``latin-1`` -> ``iso8859-1``)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ProfileError(f"input.encoding: unknown encoding {encoding!r}") from None


@functools.cache
def _transcoded(path: Path, mtime_ns: int, encoding: str) -> Path:
    """A UTF-8 copy of the text file ``path`` (DuckDB reads UTF-8 CSV only), streamed to a
    temporary file, cached per file version."""
    target = Path(tempfile.mkdtemp(dir=_scratch())) / path.name
    try:
        with (
            path.open(encoding=encoding, newline="") as source,
            target.open("w", encoding="utf-8", newline="") as sink,
        ):
            shutil.copyfileobj(source, sink, 1 << 20)
    except UnicodeError as error:
        raise ProfileError(f"{path}: not {encoding} text ({error}); check input.encoding") from None
    return target


def _readstat(spec: Input, file: Path, **options: Any) -> tuple[Any, Any]:
    """pyreadstat's (frame, metadata) for the format, turning its errors into ProfileError."""
    try:
        return READSTAT[spec.format](str(file), encoding=_readstat_encoding(spec), **options)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, UnicodeError) as error:
        raise ProfileError(f"{file}: cannot read as {spec.format}: {error}") from None


def _readstat_meta(spec: Input, file: Path) -> Any:
    """The pyreadstat metadata (column names, value labels) of a Stata or SPSS file."""
    return _readstat(spec, file, metadataonly=True)[1]


def _readstat_encoding(spec: Input) -> str | None:
    """pyreadstat detects the encoding itself unless the profile sets a non-default one."""
    return None if spec.encoding.lower() in ("utf-8", "utf8") else spec.encoding


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
