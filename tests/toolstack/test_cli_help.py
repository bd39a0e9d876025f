"""`lintel`'s commands come from one table, and its help is generated from it.

Every command issue 10 names is listed with a summary; `lintel help CMD`
prints that command's usage, naming the flags the issue asks for; and every
command refuses an unknown option with its own usage line before it touches
the hypervisor (this host has none: a command that got that far would fail
with status 1 and no usage line).
"""
import re

import pytest

from toolstack_cli import run_lintel

ISSUE_COMMANDS = ["create", "list", "destroy", "shutdown", "reboot", "pause", "unpause",
                  "console", "mem-set", "mem-max", "vcpu-set", "vcpu-list", "vcpu-pin",
                  "sched-credit", "info", "dmesg", "uptime", "domid", "domname", "rename"]
ISSUE_FLAGS = {"create": ["-c"], "list": ["-l", "--json"], "shutdown": ["-w"]}
ROW = re.compile(r"^  ([a-z][a-z-]*) +(\S.*)$")


def help_rows(lintel):
    result = run_lintel(lintel, "help")
    assert result.returncode == 0 and result.stderr == ""
    return dict(m.groups() for m in map(ROW.match, result.stdout.splitlines()) if m)


def test_help_lists_every_command_the_issue_names(lintel):
    rows = help_rows(lintel)
    assert set(ISSUE_COMMANDS) <= set(rows), set(ISSUE_COMMANDS) - set(rows)
    assert all(summary.strip() for summary in rows.values())


def test_no_command_prints_the_help_as_an_error(lintel):
    result = run_lintel(lintel)
    assert result.returncode == 2
    assert result.stderr == run_lintel(lintel, "help").stdout


def test_unknown_command_is_named(lintel):
    result = run_lintel(lintel, "frobnicate")
    assert result.returncode == 2
    assert 'unknown command "frobnicate"' in result.stderr


@pytest.mark.parametrize("command", ISSUE_COMMANDS)
def test_each_command_has_its_usage(lintel, command):
    result = run_lintel(lintel, "help", command)
    assert result.returncode == 0
    usage = result.stdout.splitlines()[0]
    assert usage.startswith(f"usage: lintel {command}")
    for flag in ISSUE_FLAGS.get(command, []):
        assert flag in usage, (flag, usage)
    assert help_rows(lintel)[command] in result.stdout


def test_every_listed_command_refuses_an_unknown_option(lintel):
    for command in help_rows(lintel):
        result = run_lintel(lintel, command, "--no-such-option", "x", "y")
        assert result.returncode == 2, (command, result)
        assert f"lintel {command}: unknown option \"--no-such-option\"" in result.stderr
        assert f"usage: lintel {command}" in result.stderr
