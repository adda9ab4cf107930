"""What every command prints with: the Rich consoles (results on standard output, progress and
errors on standard error), a progress bar, the one way to fail and the one way to report a
:class:`~decentwork.errors.DecentworkError`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from decentwork.errors import DecentworkError

console = Console()
errors = Console(stderr=True)


def progress_bar() -> Progress:
    """A Rich progress bar for long work."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def fail(message: str) -> NoReturn:
    """Print an error for the user and exit with status 2."""
    errors.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(2)


def flag(parameter: str) -> str:
    """The command-line option of a library parameter: ``as_of`` is ``--as-of`` (every
    command names its options after the parameters they set)."""
    return "--" + parameter.replace("_", "-")


def report(error: DecentworkError, options: Mapping[str, str] | None = None) -> None:
    """Print a library error for the user: its message naming the option it is about (the
    command's ``options`` by parameter name, else :func:`flag`): a message that starts with
    the parameter's name (``as_of 'x': ...``, ``psus=101 ...``) has it replaced by the
    option, any other is prefixed with it unless it names the option already; then the
    hint."""
    message = error.message
    if error.parameter is not None:
        option = (options or {}).get(error.parameter) or flag(error.parameter)
        named = re.match(rf"{re.escape(error.parameter)}(=| |:)", message)
        if named:
            message = (
                option + (" " if named.group(1) == "=" else named.group(1)) + message[named.end() :]
            )
        elif option not in message:
            message = f"{option}: {message}"
    errors.print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    if error.hint:
        errors.print(f"Hint: {escape(error.hint)}", soft_wrap=True)
