"""Page specs from templates: a page chart's spec remade from its data without Altair.

Building a layered Altair chart and converting it to Vega-Lite costs 20-70 ms a chart
(shorthands parsed, objects deep-copied, the tree walked), about half of a cold rerun of
the Hiring plan page (benchmarks/bench_room.py). From one scenario to the next a page
chart's spec differs only in its data and a few numbers (the ratio fan's axis top), so a
templated builder is split in two:

- ``parts(...) -> Parts``: the frames the chart draws and the numbers it shows, with
  pandas only, and a `key` naming everything else the spec depends on (workshop sizes,
  which roles the legend lists, where a label sits, ...);
- ``draw(parts) -> alt.TopLevelMixin``: the Altair chart of those parts.

The public builder returns ``chart(draw, parts)``: the Altair chart, as always, except
inside :func:`page_specs` (ui/compute.py's `page_spec`), where it returns the spec
`st.altair_chart` would send for that chart (datasets as Arrow bytes named by their
content hash, no theme, not validated). The first spec of a key is drawn with Altair with
placeholders for the frames and numbers, and kept (a template, at most MAX_TEMPLATES); any
later spec of that key is the template with the frames' Arrow bytes and the numbers put
in its place: a few ms. tests/test_charts.py checks the two ways give equal specs.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import pandas as pd

#: Templates kept (one per chart and key; a key changes with the workshop mode, the roles
#: drawn, a label's side: a handful a chart).
MAX_TEMPLATES = 128
#: A number the draw functions only place in the spec: the template's stand-in for the
#: i-th number of `Parts.numbers` is SENTINEL + i (never a value a chart shows).
SENTINEL = -7.25e13
_PLACEHOLDER = "__planner_frame_{}__"


@dataclass(frozen=True)
class Parts:
    """What a templated chart draws: its frames (each charted as it is), the numbers put
    in the spec as they are (an axis top), and the key of everything else."""

    frames: tuple[pd.DataFrame, ...]
    numbers: tuple[float, ...]
    key: Hashable


_local = threading.local()
_templates: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


@contextlib.contextmanager
def page_specs() -> Iterator[None]:
    """Within this block (this thread only), templated builders return their page spec."""
    before = getattr(_local, "specs", False)
    _local.specs = True
    try:
        yield
    finally:
        _local.specs = before


def chart(draw: Callable[[Parts], Any], parts: Parts) -> Any:
    """`draw(parts)`, the Altair chart; inside :func:`page_specs`, its page spec."""
    if getattr(_local, "specs", False):
        return page_spec(draw, parts)
    return draw(parts)


def arrow(frame: pd.DataFrame) -> tuple[str, bytes]:
    """A frame's dataset as `st.altair_chart` names and sends it: (content hash, Arrow IPC)."""
    from streamlit.elements import vega_charts

    made: dict[str, bytes] = {}
    name = vega_charts._to_arrow_dataset(frame, made)["name"]
    return name, made[name]


def page_spec(draw: Callable[[Parts], Any], parts: Parts) -> dict[str, Any]:
    """The spec `st.altair_chart(draw(parts))` sends, from the template of `parts.key`."""
    key = (draw.__module__, draw.__qualname__, parts.key, len(parts.frames), len(parts.numbers))
    with _lock:
        template = _templates.get(key)
        if template is not None:
            _templates.move_to_end(key)
    if template is None:
        template = _make_template(draw, parts)
        with _lock:
            _templates[key] = template
            while len(_templates) > MAX_TEMPLATES:
                _templates.popitem(last=False)
    made = [arrow(f) for f in parts.frames]  # two frames alike are one dataset, as in Altair
    names = {_PLACEHOLDER.format(i): name for i, (name, _) in enumerate(made)}
    numbers = {SENTINEL + i: value for i, value in enumerate(parts.numbers)}
    spec = _fill(template, names, numbers)
    if made:
        spec["datasets"] = dict(made)
    return spec


def _make_template(draw: Callable[[Parts], Any], parts: Parts) -> dict[str, Any]:
    """`draw` of `parts` with placeholders for its frames and numbers, as a spec."""
    ids = {id(f): i for i, f in enumerate(parts.frames)}
    if len(ids) < len(parts.frames):
        raise ValueError("a templated chart's frames must be distinct objects")
    stand_in = replace(parts, numbers=tuple(SENTINEL + i for i in range(len(parts.numbers))))

    def placeholder(data: Any) -> dict[str, str]:
        if id(data) not in ids:
            raise ValueError("a templated chart draws a frame that is not in its parts")
        return {"name": _PLACEHOLDER.format(ids[id(data)])}

    from streamlit.elements import vega_charts

    chart_ = draw(stand_in)
    alt.data_transformers.register("planner_template", lambda data: placeholder(data))
    # Data transformers are global to all threads: Streamlit's lock around the switch.
    with vega_charts._altair_globals_lock, alt.data_transformers.enable("planner_template"):
        spec = chart_.to_dict(validate=False, context={"top_level": False})
    spec["$schema"] = alt.SCHEMA_URL
    spec.pop("datasets", None)
    return spec


def _fill(node: Any, names: dict[str, str], numbers: dict[float, float]) -> Any:
    """A copy of `node` with each placeholder name and stand-in number replaced."""
    if isinstance(node, dict):
        return {k: _fill(v, names, numbers) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, names, numbers) for v in node]
    if isinstance(node, str):
        return names.get(node, node)
    if isinstance(node, float) and node in numbers:
        return numbers[node]
    return node
