"""The import contracts cover the whole package: a module outside every layer would be unchecked.

`make lint` runs `lint-imports` on the contracts in pyproject.toml; this test keeps them complete.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "openani"


def _layer_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["id"] == "layers")["layers"]
    return {name for layer in layers for name in re.split(r"\s*[|:]\s*", layer.strip())}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic's scripts: loaded by Alembic, imported by nothing.
        parts = ("openani", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports_anything(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def test_every_module_sits_in_a_layer() -> None:
    layers = _layer_modules()
    assert "openani.store" in layers and "openani.selection" in layers
    unchecked = sorted(
        name
        for name, path in _modules().items()
        if not any(name == layer or name.startswith(f"{layer}.") for layer in layers)
        # A package split over layers keeps an __init__ that imports nothing.
        and (path.name != "__init__.py" or _imports_anything(path))
    )
    assert unchecked == []


def test_every_layer_names_a_module() -> None:
    modules = _modules()
    assert sorted(layer for layer in _layer_modules() if layer not in modules) == []
