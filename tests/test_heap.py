"""The long-lived heap is frozen out of Streamlit's post-run garbage collection (ui/heap.py):
once per moment, after the app's imports and after the warm-up, and what is created later
is still collected."""

from __future__ import annotations

import gc
import weakref

import pytest

from ui import heap, warmup


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """A process in which no moment has been frozen yet (the record only: gc's permanent
    generation is the process's and stays)."""
    moments: set[str] = set()
    monkeypatch.setattr(heap, "_frozen", moments)
    return moments


def test_each_moment_freezes_once_and_moves_what_the_collector_tracks(fresh):
    kept = [{"long": "lived"} for _ in range(1000)]  # tracked containers, alive
    before = gc.get_freeze_count()
    assert heap.freeze("imports") is True
    moved = gc.get_freeze_count() - before
    assert moved >= len(kept)
    assert heap.freeze("imports") is False  # the same moment again: nothing done
    assert gc.get_freeze_count() - before == moved
    assert heap.frozen() == {"imports"}


def test_after_the_imports_only_the_first_run_freezes(fresh):
    assert heap.freeze_once() is True
    assert heap.freeze_once() is False
    assert heap.frozen() == {"imports"}
    # the warm-up's own moment still freezes what it left (the sample's caches)
    assert heap.freeze("warm-up") is True
    assert heap.frozen() == {"imports", "warm-up"}


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_made_after_a_freeze_is_still_collected(fresh):
    heap.freeze("imports")
    made_later = _Cycle()
    gone = weakref.ref(made_later)
    del made_later  # a reference cycle: only the collector frees it
    gc.collect()
    assert gone() is None


def test_no_garbage_is_frozen_by_a_collecting_freeze(fresh):
    garbage = _Cycle()
    gone = weakref.ref(garbage)
    del garbage
    heap.freeze("warm-up")  # collects first: the cycle is freed, not frozen
    assert gone() is None


def test_the_warm_up_freezes_the_heap_as_its_last_step():
    labels = [label for label, _ in warmup.steps()]
    assert labels[-1] == "warm-up: freeze the heap"
    assert "freeze" not in " ".join(labels[:-1])


def test_app_py_freezes_after_its_imports_before_the_session_is_set_up():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "app.py").read_text(encoding="utf-8")
    assert source.index("heap.freeze_once()") < source.index("state.init()")
