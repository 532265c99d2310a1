"""Page specs from templates: a page chart's spec remade from its data without Altair.

Building a layered Altair chart and converting it to Vega-Lite costs 20-70 ms a chart
(shorthands parsed, objects deep-copied, the tree walked): about half of a cold rerun of
the Hiring plan page (benchmarks/bench_room.py). The templated builders (ui/charts/
template.py: the ratio and headcount fans, hires and cost, the quarter strip) give their
parts; inside :func:`page_specs` they return the spec `st.altair_chart` would send for
them (datasets as Arrow bytes named by their content hash, no theme, not validated).

The first spec of a key is drawn with Altair with placeholders for the frames and
numbers, and kept (a template; at most MAX_TEMPLATES); any later spec of that key is the
template with the frames' Arrow bytes and the numbers put in their place: a few ms.
tests/test_charts.py checks that both ways give equal specs.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import replace
from typing import Any

import altair as alt
import pandas as pd
from streamlit.elements import vega_charts

from ui.charts import template
from ui.charts.template import Parts

#: Templates kept (one per chart and key; a key changes with the workshop mode, the roles
#: drawn, a label's side: a handful a chart).
MAX_TEMPLATES = 128
#: A number the draw functions only place in the spec: the template's stand-in for the
#: i-th number of `Parts.numbers` is SENTINEL + i (never a value a chart shows).
SENTINEL = -7.25e13
_PLACEHOLDER = "__planner_frame_{}__"

_templates: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


@contextlib.contextmanager
def page_specs() -> Iterator[None]:
    """Within this block (this thread only), templated builders return their page spec."""
    with template.page_specs(page_spec):
        yield


def arrow(frame: pd.DataFrame) -> tuple[str, bytes]:
    """A frame's dataset as `st.altair_chart` names and sends it: (content hash, Arrow IPC)."""
    made: dict[str, bytes] = {}
    name = vega_charts._to_arrow_dataset(frame, made)["name"]
    return name, made[name]


def page_spec(draw: Callable[[Parts], Any], parts: Parts) -> dict[str, Any]:
    """The spec `st.altair_chart(draw(parts))` sends, from the template of `parts.key`."""
    key = (draw.__module__, draw.__qualname__, parts.key, len(parts.frames), len(parts.numbers))
    with _lock:
        kept = _templates.get(key)
        if kept is not None:
            _templates.move_to_end(key)
    if kept is None:
        kept = _make_template(draw, parts)
        with _lock:
            _templates[key] = kept
            while len(_templates) > MAX_TEMPLATES:
                _templates.popitem(last=False)
    made = [arrow(f) for f in parts.frames]  # two frames alike are one dataset, as in Altair
    names = {_PLACEHOLDER.format(i): name for i, (name, _) in enumerate(made)}
    numbers = {SENTINEL + i: value for i, value in enumerate(parts.numbers)}
    spec = _fill(kept, names, numbers)
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

    chart = draw(stand_in)
    alt.data_transformers.register("planner_template", placeholder)
    # Data transformers are global to all threads: Streamlit's lock around the switch.
    with vega_charts._altair_globals_lock, alt.data_transformers.enable("planner_template"):
        spec = chart.to_dict(validate=False, context={"top_level": False})
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
