"""What the forms offer to choose from: the job centres a user works at, the sub-national areas
of their countries (ISO 3166-2, with their names), and the codes of the registry's coded
fields (their labels are translated in the templates, ``pes/labels.html``)."""

from __future__ import annotations

from dataclasses import dataclass

from decentwork.pes import centres
from decentwork.pes.access import Actor, Role
from decentwork.pes.areas import country_subdivisions
from decentwork.pes.models import Contract, SeekerStatus, Sex, VacancyStatus, WagePeriod
from decentwork.pes.records import Centre
from decentwork.pes.registry import Registry

EDUCATION = ("X", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
"""ISCED 2011 levels, as the registry codes education."""
SEXES = tuple(s.value for s in Sex)
SEEKER_STATUSES = tuple(s.value for s in SeekerStatus)
EDITABLE_STATUSES = tuple(s for s in SEEKER_STATUSES if s != SeekerStatus.ERASED)
VACANCY_STATUSES = tuple(s.value for s in VacancyStatus)
CONTRACTS = tuple(c.value for c in Contract)
WAGE_PERIODS = tuple(p.value for p in WagePeriod)
CURRENCIES = ("KHR", "LAK", "USD", "THB", "VND", "CNY")
"""Currencies the wage fields suggest (any ISO 4217 code is accepted)."""


@dataclass(frozen=True)
class Places:
    """The job centres (all, by id), those the user works at, and the areas of their
    countries (code: name)."""

    centres: dict[int, Centre]
    own: list[Centre]
    areas: dict[str, str]

    @property
    def own_names(self) -> dict[int, str]:
        """The user's centres as shown, by id."""
        return {c.id: self.centre_name(c.id) for c in self.own}

    def centre_name(self, centre: int) -> str:
        """A centre as shown: its code and name."""
        found = self.centres.get(centre)
        return f"{found.code} {found.name}" if found else str(centre)

    def area_name(self, code: str) -> str:
        """An area as shown: its code, and its name where it is a subdivision."""
        name = self.areas.get(code)
        return f"{code} {name}" if name else code


def places(registry: Registry, actor: Actor) -> Places:
    """The centres and areas the forms and lists of ``actor`` offer: an officer's own
    centres, every centre for the other roles."""
    every = {c.id: c for c in centres.list_centres(registry, actor)}
    own = [c for c in every.values() if actor.role != Role.OFFICER or c.id in actor.centres]
    countries = sorted({c.area[:2] for c in every.values()})
    areas = {a.code: a.name for country in countries for a in country_subdivisions(country)}
    return Places(every, own, areas)
