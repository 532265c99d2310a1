"""Templated chart builders: a page chart split into its parts and its drawing.

From one scenario to the next a page chart's spec differs only in its data and a few
numbers (the ratio fan's axis top), so a templated builder is split in two:

- ``parts(...) -> Parts``: the frames the chart draws and the numbers it shows, with
  pandas only, and a `key` naming everything else the spec depends on (workshop sizes,
  which roles the legend lists, where a label sits, ...);
- ``draw(parts) -> alt.TopLevelMixin``: the Altair chart of those parts.

The public builder returns ``chart(draw, parts)``: the Altair chart, as always, except
inside ``page_specs(make)`` (this thread only), where it returns ``make(draw, parts)``:
ui/chart_specs.py makes the page's spec from a template of the key without Altair.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Parts:
    """What a templated chart draws: its frames (each charted as it is), the numbers put
    in the spec as they are (an axis top), and the key of everything else."""

    frames: tuple[pd.DataFrame, ...]
    numbers: tuple[float, ...]
    key: Hashable


Maker = Callable[[Callable[[Parts], Any], Parts], Any]
_local = threading.local()


@contextlib.contextmanager
def page_specs(make: Maker) -> Iterator[None]:
    """Within this block (this thread only), templated builders return `make(draw, parts)`."""
    before = getattr(_local, "make", None)
    _local.make = make
    try:
        yield
    finally:
        _local.make = before


def chart(draw: Callable[[Parts], Any], parts: Parts) -> Any:
    """`draw(parts)`, the Altair chart; inside :func:`page_specs`, what its maker makes."""
    make = getattr(_local, "make", None)
    return draw(parts) if make is None else make(draw, parts)
