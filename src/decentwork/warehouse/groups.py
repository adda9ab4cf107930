"""Groups of areas: the bundled ones (``groups.yaml``: G20, BRICS, ASEAN, the Mekong partners
of the ILO-China South-South project; the ILO regions; the World Bank income groups once
``decentwork classifications fetch`` has fetched the World Bank's classification) and those
users define in the warehouse, which replace a bundled group of the same code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
import yaml

from decentwork.classifications import country_groups
from decentwork.classifications.sources import data_dir
from decentwork.errors import BadInput, NotFound
from decentwork.warehouse.areas import GROUP, is_known_area
from decentwork.warehouse.tables import area_group_members, area_groups, changes


class GroupError(BadInput):
    """A group that cannot be defined as asked; the message says why."""


class UnknownGroup(NotFound, GroupError):
    """No group (or no group of the user's) has the code asked for."""


@dataclass(frozen=True)
class Group(country_groups.CountryGroup):
    """An area group (code ``X_...`` or an ILOSTAT aggregate code), and whether it is bundled
    with decentwork (True) or defined in the warehouse."""

    bundled: bool


def bundled(classifications: Path | None = None) -> dict[str, Group]:
    """The groups shipped with decentwork, the ILO regions, and the World Bank income groups
    when their file is in ``classifications`` (default: the fetched classifications)."""
    text = resources.files("decentwork.warehouse").joinpath("groups.yaml").read_text("utf-8")
    found = {
        code: Group(code, entry["label"], entry["source"], tuple(entry["members"]), True)
        for code, entry in yaml.safe_load(text).items()
    }
    published = country_groups.ilo_regions()
    income = (classifications or data_dir()) / country_groups.CLASS_FILE
    if income.is_file():
        published += country_groups.income_groups(income)
    found.update({g.code: Group(g.code, g.label, g.source, g.members, True) for g in published})
    return found


def groups(connection: sa.Connection) -> dict[str, Group]:
    """Every group: bundled, replaced or added by the warehouse's own definitions."""
    found = bundled()
    members: dict[str, list[str]] = {}
    for code, area in connection.execute(
        sa.select(area_group_members.c.group_code, area_group_members.c.ref_area).order_by(
            area_group_members.c.group_code, area_group_members.c.ref_area
        )
    ):
        members.setdefault(code, []).append(area)
    for code, label, source in connection.execute(sa.select(area_groups)):
        found[code] = Group(code, label, source, tuple(members.get(code, [])), False)
    return dict(sorted(found.items()))


def group(connection: sa.Connection, code: str) -> Group:
    """The group ``code``.

    Raises:
        UnknownGroup: no group has that code.
    """
    known = groups(connection)
    if code not in known:
        raise UnknownGroup(
            f"no group {code!r} (groups: {', '.join(known)})",
            given=code,
            expected="a group code (decentwork groups list)",
        )
    return known[code]


def define(
    connection: sa.Connection,
    code: str,
    label: str,
    members: list[str],
    source: str = "defined by the user",
) -> Group:
    """Define (or redefine) the group ``code`` with these member areas.

    Raises:
        GroupError: a code that is not ``X_...``, or members that are not ISO 3166 areas.
    """
    if not GROUP.match(code):
        raise GroupError(
            f"group code {code!r}: expected X_ followed by capitals, digits or _ "
            "(e.g. X_SSC_PARTNERS)",
            given=code,
            expected="X_ followed by capitals, digits or _",
        )
    areas = sorted({m.strip().upper() for m in members if m.strip()})
    unknown = [a for a in areas if not is_known_area(a) or re.match(r"^X_", a)]
    if unknown or not areas:
        raise GroupError(
            f"group {code}: members must be ISO 3166 area codes; "
            f"{'not areas: ' + ', '.join(unknown) if unknown else 'none given'}",
            parameter="members",
            given=", ".join(unknown) or None,
            expected="ISO 3166 area codes",
        )
    connection.execute(area_group_members.delete().where(area_group_members.c.group_code == code))
    connection.execute(area_groups.delete().where(area_groups.c.code == code))
    connection.execute(area_groups.insert().values(code=code, label=label, source=source))
    connection.execute(
        area_group_members.insert(), [{"group_code": code, "ref_area": a} for a in areas]
    )
    _log(connection, f"group {code} defined: {', '.join(areas)}")
    return Group(code, label, source, tuple(areas), False)


def delete(connection: sa.Connection, code: str) -> None:
    """Remove the user's definition of ``code`` (a bundled group comes back).

    Raises:
        UnknownGroup: the user defined no group ``code``.
    """
    gone = connection.execute(
        area_group_members.delete().where(area_group_members.c.group_code == code)
    ).rowcount
    gone += connection.execute(area_groups.delete().where(area_groups.c.code == code)).rowcount
    if not gone:
        raise UnknownGroup(f"no user-defined group {code!r} to delete", given=code)
    _log(connection, f"group {code} deleted")


def _log(connection: sa.Connection, what: str) -> None:
    """Record a group change in the ``changes`` log (the warehouse's state mark reads it)."""
    connection.execute(changes.insert().values(what=what, changed_at=datetime.now(UTC)))
