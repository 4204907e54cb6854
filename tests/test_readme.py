"""The README's front-door promises that drift silently: its size, its settings table, its links."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from openani.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# The front door stays short; details belong in docs/.
README_MAX_BYTES = 12 * 1024


def _environment_variables_read_by_the_service() -> set[str]:
    names: set[str] = set()
    for source in (ROOT / "src" / "openani").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        names.update(re.findall(r"""environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names.update(re.findall(r"""_(?:number|flag)\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    return names


def _serve_flags() -> set[str]:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    serve = subparsers.choices["serve"]
    return {
        option
        for action in serve._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def test_readme_is_a_short_front_door() -> None:
    assert len(README.encode("utf-8")) < README_MAX_BYTES


def test_every_environment_variable_is_in_the_configuration_table() -> None:
    names = _environment_variables_read_by_the_service()
    assert "OPENANI_DATABASE_URL" in names and "OPENANI_WEBHOOK_TIMEOUT_S" in names
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert missing == []


def test_every_serve_flag_is_documented() -> None:
    flags = _serve_flags()
    assert "--database-url" in flags
    assert sorted(flag for flag in flags if flag not in README) == []


def test_relative_links_point_at_files_that_exist() -> None:
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)", README)
    assert targets, "the README links its docs"
    assert sorted(t for t in targets if not (ROOT / t).exists()) == []
