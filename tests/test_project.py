"""The project's promises to a newcomer: README quickstart, CI, settings documentation, seeds."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from bot import Settings
from bot.settings import env_name
from tests.conftest import TEST_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def quickstart_commands() -> list[str]:
    """The command lines of the README's quickstart code block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the quickstart has a ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quickstart_is_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0]
    assert "newsdesk ask" in commands[0]


def test_ci_runs_exactly_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in quickstart_commands():
        assert command in ci, f".ci/run lacks the README command: {command}"


def test_env_example_lists_every_setting_with_a_comment() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0] for line in example if re.match(r"^[A-Z0-9_]+=", line)]
    expected = {env_name(name) for name in Settings.model_fields}
    assert set(names) == expected
    for i, line in enumerate(example):
        if re.match(r"^[A-Z0-9_]+=", line):
            assert example[i - 1].startswith("# "), f"{line} has no comment above it"


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{env_name(name)}`" in readme


def test_seeds_are_the_shared_articles_byte_for_byte() -> None:
    ours = sorted(p.name for p in (ROOT / "seeds").iterdir())
    assert len(ours) == 5
    if SHARED_SEEDS.is_dir():  # beside a checkout in the workplace; CI has it too
        assert ours == sorted(p.name for p in SHARED_SEEDS.iterdir())
        for name in ours:
            assert (ROOT / "seeds" / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_tests_see_no_exported_settings() -> None:
    """The autouse fixture in conftest.py hides NEWSDESK_*/SLACK_*/DISCORD_* and any .env file."""
    exported = {
        name: value
        for name, value in os.environ.items()
        if name.startswith(("NEWSDESK_", "SLACK_", "DISCORD_"))
    }
    assert exported == TEST_ENVIRONMENT  # only what conftest.py sets itself
    settings = Settings()
    assert settings.language == "de"
    assert settings.timezone == "Europe/Berlin"
    assert settings.slack_bot_token is None


def test_the_deploy_files_start_a_command_the_cli_accepts() -> None:
    from adapters.cli import build_parser  # noqa: PLC0415 -- only this test needs the CLI

    unit = (ROOT / "deploy" / "newsdesk.service").read_text(encoding="utf-8")
    (start,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    unit_args = start.split()[1:]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.MULTILINE)
    command = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert entry
    assert command
    docker_args = [*json.loads(entry.group(1))[1:], *json.loads(command.group(1))]
    for args in (unit_args, docker_args):
        parsed = build_parser().parse_args(args)
        assert (parsed.command, parsed.log_format) == ("run", "json")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/Dockerfile" in readme
    assert "deploy/newsdesk.service" in readme
