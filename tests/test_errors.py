"""The command line's one error handler (decentwork.cli.Program with decentwork.terminal.report):
any DecentworkError escaping a command becomes ``Error: <message>`` (prefixed with the option
it is about), its hint, and exit status 2; anything else is a programming error and keeps its
traceback."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from decentwork.classifications import sources
from decentwork.cli import Program, app
from decentwork.errors import (
    BadInput,
    Conflict,
    DecentworkError,
    NotFound,
    Refused,
    Unavailable,
)

runner = CliRunner()
raised: list[Exception] = []
"""What the test app's commands raise: set by each test."""

tiny = typer.Typer(cls=Program, no_args_is_help=True)


@tiny.command()
def fails() -> None:
    """Raise what the test put in ``raised``."""
    raise raised[-1]


@tiny.command()
def works() -> None:
    """Succeed."""
    typer.echo("done")


nested = typer.Typer(no_args_is_help=True)
nested.command("deep")(fails)
tiny.add_typer(nested, name="group")


def _run(error: Exception, *arguments: str) -> tuple[int, str, str, BaseException | None]:
    raised.append(error)
    result = runner.invoke(tiny, list(arguments or ["fails"]))
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_a_family_error_is_a_message_a_hint_and_status_2() -> None:
    code, out, err, exception = _run(
        NotFound("no area 'XYZ' in the warehouse", hint="see 'decentwork info' for the areas")
    )
    assert code == 2 and out == ""
    assert err == (
        "Error: no area 'XYZ' in the warehouse\nHint: see 'decentwork info' for the areas\n"
    )
    assert isinstance(exception, SystemExit)


def test_no_hint_no_hint_line() -> None:
    code, _, err, _ = _run(DecentworkError("something the user can fix"))
    assert code == 2 and err == "Error: something the user can fix\n"


@pytest.mark.parametrize(
    "kind", [DecentworkError, BadInput, NotFound, Conflict, Unavailable, Refused]
)
def test_every_kind_exits_with_2(kind: type[DecentworkError]) -> None:
    code, _, err, _ = _run(kind("a problem"))
    assert code == kind.exit_code == 2 and err.startswith("Error: a problem")


def test_a_parameter_gets_its_option() -> None:
    code, _, err, _ = _run(
        BadInput("'2024-13-01' is not a date or release id", parameter="as_of", given="2024-13-01")
    )
    assert code == 2
    assert err == "Error: --as-of: '2024-13-01' is not a date or release id\n"


def test_a_message_naming_its_option_is_not_prefixed_again() -> None:
    _, _, err, _ = _run(BadInput("--as-of 2024-13-01 is not a date", parameter="as_of"))
    assert err == "Error: --as-of 2024-13-01 is not a date\n"


def test_an_error_in_a_sub_command_group() -> None:
    code, _, err, _ = _run(Unavailable("cannot open the warehouse"), "group", "deep")
    assert code == 2 and err == "Error: cannot open the warehouse\n"


def test_markup_in_a_message_is_printed_as_is() -> None:
    _, _, err, _ = _run(BadInput("column [bold] in data.csv", hint="rename [red]"))
    assert err == "Error: column [bold] in data.csv\nHint: rename [red]\n"


def test_a_long_message_is_not_wrapped() -> None:
    message = "data.csv:12: weight: " + "x" * 200
    _, _, err, _ = _run(BadInput(message))
    assert err == f"Error: {message}\n"


@pytest.mark.parametrize(
    "bug",
    [
        TypeError("unsupported operand"),
        KeyError("ilo_wap"),
        AttributeError("'NoneType' object has no attribute 'x'"),
        ValueError("a plain ValueError is not the user's fault"),
    ],
)
def test_a_programming_error_is_not_swallowed(bug: Exception) -> None:
    code, _, err, exception = _run(bug)
    assert exception is bug and code == 1
    assert "Error:" not in err


def test_success_is_untouched() -> None:
    result = runner.invoke(tiny, ["works"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "done\n", "")


def test_the_real_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """decentwork's own program reports a family error raised deep in a command, and lets a
    programming error through."""

    def unavailable(*_: object, **__: object) -> None:
        raise Unavailable("ilo.org: cannot be reached", hint="use a mirror folder")

    monkeypatch.setattr(sources, "fetch", unavailable)
    result = runner.invoke(app, ["classifications", "fetch"])
    assert result.exit_code == 2
    assert result.stderr == "Error: ilo.org: cannot be reached\nHint: use a mirror folder\n"

    def broken(*_: object, **__: object) -> None:
        raise TypeError("a bug")

    monkeypatch.setattr(sources, "fetch", broken)
    result = runner.invoke(app, ["classifications", "fetch"])
    assert isinstance(result.exception, TypeError) and result.exit_code == 1
