"""What every command prints with: the Rich consoles (results on standard output, progress and
errors on standard error), a progress bar, and the one way to fail."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
errors = Console(stderr=True)


def progress_bar() -> Progress:
    """A Rich progress bar for long work."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=console, transient=False,
    )


def fail(message: str) -> NoReturn:
    """Print an error for the user and exit with status 2."""
    errors.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(2)
