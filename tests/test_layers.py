"""The layers, checked once: the engine never imports the UI, chart builders never import
Streamlit, and the engine never logs (a log line could quote an uploaded cell)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports, at any depth)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


ENGINE = sorted((ROOT / "forecasting").rglob("*.py"))
# What each layer may not import.
RULES = [
    *((p, {"streamlit", "altair", "ui", "pages", "logging"}) for p in ENGINE),
    *((p, {"streamlit", "pages"}) for p in sorted((ROOT / "ui" / "charts").glob("*.py"))),
    (ROOT / "ui" / "theme.py", {"streamlit", "pages"}),
]


@pytest.mark.parametrize(
    ("path", "forbidden"), RULES, ids=[str(p.relative_to(ROOT)) for p, _ in RULES]
)
def test_a_layer_never_imports_what_sits_above_it(path, forbidden):
    assert not imported(path) & forbidden


def test_the_rules_cover_every_engine_module():
    assert len(ENGINE) >= 20  # a rename that empties the glob must not pass silently
