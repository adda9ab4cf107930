"""Groups of areas: the bundled ones (``groups.yaml``: G20, BRICS, ASEAN, the Mekong partners
of the ILO-China South-South project) and those users define in the warehouse, which replace
a bundled group of the same code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa
import yaml

from decentwork.warehouse.areas import GROUP, is_known_area
from decentwork.warehouse.tables import area_group_members, area_groups


class GroupError(ValueError):
    """A group that does not exist or cannot be defined; the message says why."""


@dataclass(frozen=True)
class Group:
    """An area group: code (``X_...``), label, where its membership comes from, members."""

    code: str
    label: str
    source: str
    members: tuple[str, ...]
    bundled: bool


def bundled() -> dict[str, Group]:
    """The groups shipped with decentwork."""
    text = resources.files("decentwork.warehouse").joinpath("groups.yaml").read_text("utf-8")
    return {code: Group(code, entry["label"], entry["source"], tuple(entry["members"]), True)
            for code, entry in yaml.safe_load(text).items()}


def groups(connection: sa.Connection) -> dict[str, Group]:
    """Every group: bundled, replaced or added by the warehouse's own definitions."""
    found = bundled()
    members: dict[str, list[str]] = {}
    for code, area in connection.execute(
        sa.select(area_group_members.c.group_code, area_group_members.c.ref_area)
        .order_by(area_group_members.c.group_code, area_group_members.c.ref_area)
    ):
        members.setdefault(code, []).append(area)
    for code, label, source in connection.execute(sa.select(area_groups)):
        found[code] = Group(code, label, source, tuple(members.get(code, [])), False)
    return dict(sorted(found.items()))


def group(connection: sa.Connection, code: str) -> Group:
    """The group ``code``."""
    known = groups(connection)
    if code not in known:
        raise GroupError(f"no group {code!r} (groups: {', '.join(known)})")
    return known[code]


def define(connection: sa.Connection, code: str, label: str, members: list[str],
           source: str = "defined by the user") -> Group:
    """Define (or redefine) the group ``code`` with these member areas."""
    if not GROUP.match(code):
        raise GroupError(f"group code {code!r}: expected X_ followed by capitals, digits or _ "
                         "(e.g. X_SSC_PARTNERS)")
    areas = sorted({m.strip().upper() for m in members if m.strip()})
    unknown = [a for a in areas if not is_known_area(a) or re.match(r"^X_", a)]
    if unknown or not areas:
        raise GroupError(f"group {code}: members must be ISO 3166 area codes; "
                         f"{'not areas: ' + ', '.join(unknown) if unknown else 'none given'}")
    connection.execute(area_group_members.delete().where(area_group_members.c.group_code == code))
    connection.execute(area_groups.delete().where(area_groups.c.code == code))
    connection.execute(area_groups.insert().values(code=code, label=label, source=source))
    connection.execute(area_group_members.insert(),
                       [{"group_code": code, "ref_area": a} for a in areas])
    return Group(code, label, source, tuple(areas), False)


def delete(connection: sa.Connection, code: str) -> None:
    """Remove the user's definition of ``code`` (a bundled group comes back)."""
    gone = connection.execute(area_group_members.delete()
                              .where(area_group_members.c.group_code == code)).rowcount
    gone += connection.execute(area_groups.delete().where(area_groups.c.code == code)).rowcount
    if not gone:
        raise GroupError(f"no user-defined group {code!r} to delete")
