"""The import-direction contract of STYLE.md, checked by walking every module's imports.

knowledge/ is a pure library; bot/ is the platform-neutral core; adapters talk to the core through
its public surface (``from bot import ...``) and never to each other's SDKs. benchmarks/ sits on
top (it measures all layers); nothing below imports it. ingest/ is the network part of feeds: it
implements the core's feed port through ``from bot import ...`` only, knows no chat SDK and no
adapter; the core never imports it nor an HTTP or feed library (the entry point wires it in).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAT_SDKS = ("slack_bolt", "slack_sdk", "discord")
NETWORK = ("aiohttp", "socket", "http", "urllib", "requests", "httpx", "websockets", "ssl")
FEED_LIBRARIES = ("aiohttp", "feedparser", "trafilatura", "ingest")


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Yield the absolute names of the modules a source file imports."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.module


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Return the imports in ``module`` that break the contract, as readable sentences."""
    layer = module.split(".", maxsplit=1)[0]
    found = []
    for name in imported_modules(source, module, is_package=is_package):
        top = name.split(".")[0]
        if layer == "knowledge" and top in (
            "bot",
            "adapters",
            "benchmarks",
            "ingest",
            *CHAT_SDKS,
            *NETWORK,
        ):
            found.append(f"{module} (knowledge/) imports {name}")
        if layer == "bot" and top in ("adapters", "benchmarks", *CHAT_SDKS, *FEED_LIBRARIES):
            found.append(f"{module} (bot/) imports {name}")
        if layer == "ingest":
            if top in ("adapters", "benchmarks", "knowledge", *CHAT_SDKS):
                found.append(f"{module} (ingest/) imports {name}")
            if top == "bot" and name != "bot":
                found.append(f"{module} imports {name}: use the public surface, `from bot import`")
        if layer == "adapters":
            if top == "knowledge":
                found.append(f"{module} bypasses the core and imports {name}")
            if top == "bot" and name != "bot":
                found.append(f"{module} imports {name}: use the public surface, `from bot import`")
            for platform, other in (("slack", "discord"), ("discord", "slack")):
                if module.startswith(f"adapters.{platform}") and (
                    name.startswith(f"adapters.{other}") or top in _sdks_of(other)
                ):
                    found.append(f"{module} ({platform} adapter) imports {name}")
    return found


def _sdks_of(platform: str) -> tuple[str, ...]:
    return ("slack_bolt", "slack_sdk") if platform == "slack" else ("discord",)


def project_modules() -> Iterator[tuple[str, Path]]:
    """Yield (dotted module name, path) for every module of the three packages."""
    for package in ("knowledge", "bot", "adapters", "ingest", "benchmarks"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


@pytest.mark.parametrize(("module", "path"), list(project_modules()), ids=str)
def test_module_respects_the_import_direction(module: str, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(source, module, is_package=path.name == "__init__.py") == []


def test_every_package_folder_has_an_init_file() -> None:
    for package in ("knowledge", "bot", "adapters", "ingest", "benchmarks", "tests"):
        if not (ROOT / package).is_dir():
            continue
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]:
            if folder.name == "__pycache__" or not any(folder.glob("*.py")):
                continue
            assert (folder / "__init__.py").exists(), f"{folder} lacks __init__.py"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("knowledge.index", "from bot import Reply", "knowledge.index (knowledge/) imports bot"),
        ("knowledge.x", "import aiohttp", "knowledge.x (knowledge/) imports aiohttp"),
        ("bot.core", "import slack_sdk.web", "bot.core (bot/) imports slack_sdk.web"),
        ("bot.core", "from adapters.slack import app", "bot.core (bot/) imports adapters.slack"),
        ("adapters.slack.app", "import discord", "adapters.slack.app (slack adapter) imports"),
        ("adapters.discord.x", "from ..slack import render", "(discord adapter) imports"),
        ("adapters.cli", "from knowledge import SearchIndex", "bypasses the core"),
        ("adapters.cli", "from bot.answers import x", "use the public surface"),
        ("bot.feeds", "import aiohttp", "bot.feeds (bot/) imports aiohttp"),
        ("bot.ingestion", "from ingest import HttpFeedSource", "bot.ingestion (bot/) imports"),
        ("bot.x", "import feedparser", "bot.x (bot/) imports feedparser"),
        ("ingest.http", "from adapters.slack import app", "ingest.http (ingest/) imports"),
        ("ingest.http", "import discord", "ingest.http (ingest/) imports discord"),
        ("ingest.parse", "from bot.feed_port import FeedEntry", "use the public surface"),
        ("ingest.parse", "from knowledge import Article", "ingest.parse (ingest/) imports"),
    ],
)
def test_the_contract_catches_each_kind_of_violation(
    module: str, source: str, expected: str
) -> None:
    found = violations(source, module)
    assert any(expected in sentence for sentence in found), found


def test_allowed_imports_pass() -> None:
    assert violations("from bot import Reply\nimport slack_bolt", "adapters.slack.app") == []
    assert violations("from knowledge import SearchIndex", "bot.core") == []
    assert violations("from .analysis import Word\nimport numpy", "knowledge.index") == []
    assert violations("from bot import FeedProblem\nimport aiohttp", "ingest.http") == []
    assert violations("from ingest import HttpFeedSource", "adapters.cli") == []
