"""What the PES routes share, kept on the application's state: the registry (the PES database
and its reference lists) and the occupation code suggester; and the route parameters that
receive them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from decentwork.pes.registry import Registry
from decentwork.web.pes.coding import Suggester


@dataclass(frozen=True)
class PesState:
    """The registry the routes work on and the suggester of occupation codes."""

    registry: Registry
    suggester: Suggester


def state_of(request: Request) -> PesState:
    """The PES state of the application answering ``request``."""
    state = request.app.state.pes
    assert isinstance(state, PesState), "the PES routes run on an application install() set up"
    return state


def _registry(request: Request) -> Registry:
    return state_of(request).registry


def _suggester(request: Request) -> Suggester:
    return state_of(request).suggester


RegistryOf = Annotated[Registry, Depends(_registry)]
"""A route's parameter that receives the PES registry."""
SuggesterOf = Annotated[Suggester, Depends(_suggester)]
"""A route's parameter that receives the occupation code suggester."""
