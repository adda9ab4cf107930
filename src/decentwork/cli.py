"""The ``decentwork`` command line: one program, sub-commands by area.

This module only assembles the program: the commands live in :mod:`decentwork.commands`,
one module per area, and import their area's packages when they run, so that
``decentwork --help`` starts quickly. Every :class:`~decentwork.errors.DecentworkError` that a
command lets through is reported here, in one place, as a message and an exit status;
anything else is a programming error and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup, TyperOption

from decentwork.commands import classifications as classification_commands
from decentwork.commands import classify as classify_commands
from decentwork.commands import demo as demo_commands
from decentwork.commands import monitoring as monitoring_commands
from decentwork.commands import pes as pes_commands
from decentwork.commands import pes_statistics, warehouse
from decentwork.commands import reports as report_commands
from decentwork.commands import survey as survey_commands
from decentwork.commands import synthetic as synthetic_commands
from decentwork.commands import web as web_commands
from decentwork.errors import DecentworkError
from decentwork.terminal import report

LEAF = "decentwork.command"
"""Where a group records, in the context's shared ``meta``, the command it resolved."""


class Program(TyperGroup):
    """A command group that turns a :class:`DecentworkError` from any of its sub-commands
    into its message (naming the sub-command's own option for the parameter it is about) and
    its exit status."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[LEAF] = command
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DecentworkError as error:
            report(error, options(ctx.meta.get(LEAF)))
            raise typer.Exit(error.exit_code) from None


def options(command: Any) -> dict[str, str]:
    """How a command shows each of its parameters: an option by its long flag (``mirror`` ->
    ``--from``), an argument by its name (``username`` -> ``USERNAME``)."""
    if command is None:
        return {}
    return {
        parameter.name: max(parameter.opts, key=len)
        if isinstance(parameter, TyperOption)
        else parameter.name.upper()
        for parameter in command.params
        if parameter.name
    }


def _group(help: str) -> typer.Typer:
    return typer.Typer(cls=Program, help=help, no_args_is_help=True)


app = typer.Typer(
    cls=Program,
    help="decentwork: open labour market information system (survey microdata to ILO "
    "decent-work indicators with design-based uncertainty).",
    no_args_is_help=True,
    add_completion=False,
)
app.command("demo")(demo_commands.demo)
synth_app = typer.Typer(cls=Program, invoke_without_command=True)
synth_app.callback()(synthetic_commands.synth)
synth_app.command("pes")(pes_commands.synth_pes)
app.add_typer(synth_app, name="synth")

profile_app = _group(
    "Survey profiles: map a survey file's columns onto the ILO standard variables."
)
profile_app.command("check")(survey_commands.profile_check)
app.add_typer(profile_app, name="profile")
app.command("compute")(survey_commands.compute)

for name in ("info", "migrate", "backup", "load", "query", "export", "releases"):
    app.command(name)(getattr(warehouse, name))
ilostat_app = _group("ILOSTAT's bulk files: download and load them.")
ilostat_app.command("pull")(warehouse.pull)
app.add_typer(ilostat_app, name="ilostat")
groups_app = _group("Groups of areas (G20, BRICS, ASEAN... and your own).")
groups_app.command("list")(warehouse.groups_list)
groups_app.command("define")(warehouse.groups_define)
groups_app.command("delete")(warehouse.groups_delete)
app.add_typer(groups_app, name="groups")
app.command("aggregate")(warehouse.aggregate)

app.command("serve")(web_commands.serve)
app.command("progress")(monitoring_commands.progress)
app.command("brief")(report_commands.brief)

classifications_app = _group(
    "Reference classifications: ISCO-08, ISIC Rev.4, ISCED 2011, ICSE-93, ICSE-18."
)
for name in ("fetch", "show", "validate"):
    classifications_app.command(name)(getattr(classification_commands, name))
app.add_typer(classifications_app, name="classifications")
classify_app = _group("The occupation coder: job titles to ISCO-08 (Chinese to CSCO 2022).")
classify_app.command("occupation")(classify_commands.occupation)
classify_app.command("train")(classify_commands.train)
app.add_typer(classify_app, name="classify")

pes_app = _group(
    "The public employment service: its database, users, job centres, imports, "
    "a person's data and the audit log."
)
pes_app.command("init")(pes_commands.init)
pes_app.command("audit")(pes_commands.audit)
pes_app.command("statistics")(pes_statistics.statistics)
for group, commands, help in (
    (
        "users",
        ("add", "list", "disable"),
        "Users of the PES: administrators, officers, employers, analysts.",
    ),
    ("centres", ("add", "list"), "Job centres."),
    (
        "import",
        ("seekers", "vacancies", "centres", "districts"),
        "Bulk import from CSV or Excel: nothing imported unless every row is good (or --skip-bad).",
    ),
    ("person", ("export", "erase"), "A person's rights: everything held about them, erasure."),
):
    sub = _group(help)
    for name in commands:
        sub.command(name)(getattr(pes_commands, f"{group}_{name}"))
    pes_app.add_typer(sub, name=group)
app.add_typer(pes_app, name="pes")
