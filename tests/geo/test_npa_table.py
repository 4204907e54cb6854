"""The committed npa.json must be exactly what scripts/build_npa_table.py generates."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_npa_table.py"


def _builder() -> ModuleType:
    """The script as a module (scripts/ is not a package)."""
    name = "build_npa_table"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve their module through sys.modules while the class body runs.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_committed_table_matches_a_fresh_build() -> None:
    builder = _builder()
    fresh = builder.render(builder.build_table())
    committed = builder.OUTPUT.read_text(encoding="utf-8")
    assert committed == fresh, (
        "src/openani/geo/data/npa.json drifted from its sources; "
        "run .venv/bin/python scripts/build_npa_table.py"
    )


def test_table_is_small_and_sorted() -> None:
    builder = _builder()
    text = builder.OUTPUT.read_text(encoding="utf-8")
    assert len(text.encode()) < 300_000
    npas = list(json.loads(text)["npas"])
    assert npas == sorted(npas)


def test_state_text_mapping_special_cases() -> None:
    jurisdictions_of = _builder().jurisdictions_of
    assert jurisdictions_of("Washington State") == ("WA",)
    assert jurisdictions_of("Washington D.C.") == ("DC",)
    assert jurisdictions_of("Nova Scotia/Prince Edward Island") == ("NS", "PE")
    assert jurisdictions_of("Toronto, ON") == ("ON",)
    assert jurisdictions_of("Jamaica") == ()
