"""The layers, checked from the code's own imports (every import, at any depth, inside
functions too): the engine's packages import only downwards, nothing imports in a circle,
the engine never imports the UI or logs, chart builders never import Streamlit, and no
module grows past 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The engine's layers, bottom to top (docs/DESIGN.md). A package may import its own
#: modules and the packages of a lower rank; packages of the same rank not each other.
LAYERS = {
    "model": 0,
    "simulate": 1,
    "estimate": 1,
    "ingest": 2,
    "plan": 3,
    "report": 4,
    "cli": 5,
}
#: Top-level modules of the package and what they may import.
TOP_LEVEL = {"__init__": {"model"}, "__main__": {"cli"}, "sample": set()}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, absolute, at any depth (``from a import b`` names
    ``a.b`` when that is a module of ours, else ``a``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            subs = {f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in OURS}
            out |= subs if len(subs) == len(node.names) else subs | {module}
    return out


SOURCES = sorted(
    [
        *(ROOT / "forecasting").rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "pages").glob("*.py"),
    ]
)
OURS = {module_name(p): p for p in SOURCES}
ENGINE = [p for p in SOURCES if module_name(p).startswith("forecasting")]


def ours(path: Path) -> set[str]:
    return {m for m in imports(path) if m in OURS and m != module_name(path)}


def layer_of(module: str) -> str:
    """'forecasting.plan.solver' -> 'plan'; a top-level module -> its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def allowed(importer: str, imported: str) -> bool:
    """May engine module `importer` import engine module `imported`?"""
    a, b = layer_of(importer), layer_of(imported)
    if a not in LAYERS:  # a top-level module: forecasting/__init__, __main__, sample
        return b in TOP_LEVEL[a if importer != "forecasting" else "__init__"]
    if b not in LAYERS:  # nothing below the top imports the top (the package's __init__)
        return False
    return a == b or LAYERS[b] < LAYERS[a]


@pytest.mark.parametrize("path", ENGINE, ids=[module_name(p) for p in ENGINE])
def test_an_engine_module_imports_only_its_own_layer_and_the_ones_below(path):
    name = module_name(path)
    upward = sorted(m for m in ours(path) if m.startswith("forecasting") and not allowed(name, m))
    assert upward == [], f"{name} imports {upward} (a higher or sibling layer)"


@pytest.mark.parametrize("path", ENGINE, ids=[module_name(p) for p in ENGINE])
def test_the_engine_never_imports_the_ui_or_logs(path):
    top = {m.split(".")[0] for m in imports(path)}
    assert not top & {"streamlit", "altair", "ui", "pages", "logging"}


CHARTS = sorted((ROOT / "ui" / "charts").glob("*.py")) + [ROOT / "ui" / "theme.py"]


@pytest.mark.parametrize("path", CHARTS, ids=[module_name(p) for p in CHARTS])
def test_chart_builders_never_import_streamlit_or_pages(path):
    assert not {m.split(".")[0] for m in imports(path)} & {"streamlit", "pages"}


@pytest.mark.parametrize("path", sorted((ROOT / "ui").rglob("*.py")), ids=str)
def test_the_ui_helpers_never_import_a_page(path):
    assert not {m.split(".")[0] for m in imports(path)} & {"pages"}


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), plus self-loops.

    A package's ``__init__`` importing its own submodules is not an edge back: a
    submodule's import of a sibling names the sibling, not the package."""
    graph = {m: sorted(ours(p)) for m, p in OURS.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_nothing_in_the_engine_or_the_ui_imports_in_a_circle():
    assert cycles() == []


def test_the_cycle_check_finds_a_circle(monkeypatch):
    """The check itself can fail: two modules importing each other are a cycle."""
    a, b = ROOT / "fake" / "a.py", ROOT / "fake" / "b.py"
    monkeypatch.setitem(OURS, "fake.a", a)
    monkeypatch.setitem(OURS, "fake.b", b)
    real = ours
    fake = {a: {"fake.b"}, b: {"fake.a"}}
    monkeypatch.setitem(globals(), "ours", lambda path: fake.get(path) or real(path))
    assert ["fake.a", "fake.b"] in cycles()


def test_the_layer_rule_refuses_an_upward_import():
    assert not allowed("forecasting.model.scenario", "forecasting.plan.solver")
    assert not allowed("forecasting.simulate.engine", "forecasting.estimate.rates")
    assert allowed("forecasting.plan.solver", "forecasting.simulate.engine")


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_no_module_is_longer_than_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_the_engine_has_at_most_eight_top_level_modules():
    top = sorted(p.stem for p in (ROOT / "forecasting").glob("*.py"))
    assert len(top) <= 8 and set(top) <= set(TOP_LEVEL), top
    assert {
        p.name for p in (ROOT / "forecasting").iterdir() if p.is_dir() and p.name != "__pycache__"
    } == set(LAYERS)


def test_the_rules_cover_every_engine_module():
    assert len(ENGINE) >= 40  # a rename that empties the glob must not pass silently
