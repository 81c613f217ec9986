"""Every command has --help with an example (scripts and cron jobs are written from it)."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from graphrisk.cli import cli


def walk(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, prefix + (name,))


COMMANDS = [path for path, cmd in walk(cli) if not isinstance(cmd, click.Group)]


def test_the_documented_commands_exist():
    names = {" ".join(p) for p in COMMANDS}
    assert {"ingest", "info", "sample", "demo", "paths", "centrality", "communities", "flags", "map", "report",
            "config init", "entities duplicates", "entities merge", "entities unmerge"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_help_has_an_example(path):
    res = CliRunner().invoke(cli, [*path, "--help"])
    assert res.exit_code == 0, res.output
    assert "Example" in res.output and "graphrisk " + path[0] in res.output.split("Example", 1)[1]


@pytest.mark.parametrize("path", [p for p in COMMANDS if p[0] not in ("sample", "demo", "config")],
                         ids=lambda p: " ".join(p))
def test_every_store_command_takes_db(path):
    res = CliRunner().invoke(cli, [*path, "--help"])
    assert "--db" in res.output
