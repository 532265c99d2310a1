"""The solver's fill orders are taken by prefix without being listed (a list of one entry
a unit was 80 MB at 100,000 starts a month over 100 months): the same allocations as the
listed order, entry for entry."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.plan.schedule import FillOrder, Strategy, even_order, fill_order


def listed(strategy: str, slots: list[int], caps: np.ndarray) -> list[int]:
    """The order as it used to be built: one entry a unit."""
    if strategy == "front_loaded":
        return [i for i in slots for _ in range(caps[i])]
    if strategy == "just_in_time":
        return [i for i in reversed(slots) for _ in range(caps[i])]
    if strategy == "one_a_month":
        return [i for r in range(int(caps.max())) for i in reversed(slots) if caps[i] > r]
    spread = even_order(slots)
    return [i for r in range(int(caps.max())) for i in spread if caps[i] > r]


@pytest.mark.parametrize("strategy", ["even", "front_loaded", "just_in_time", "one_a_month"])
@pytest.mark.parametrize("seed", range(4))
def test_every_prefix_allocates_as_the_listed_order(strategy: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = 14
    caps = rng.integers(0, 5, size=months)
    caps[rng.integers(0, months)] = 9  # one month with more room than the others
    slots = [i for i in range(2, months - 1) if caps[i] > 0]
    if strategy == "one_a_month":
        order = FillOrder.rounds(slots[::-1], caps)
    else:
        order = fill_order(Strategy(strategy), slots, caps)
    reference = listed(strategy, slots, caps)
    assert len(order) == len(reference)
    for n in range(len(reference) + 2):
        want = np.bincount(np.array(reference[:n], dtype=np.int64), minlength=months)
        np.testing.assert_array_equal(order.allocation(n, months), want, err_msg=f"n={n}")


def test_an_order_of_ten_million_units_holds_one_entry_a_slot() -> None:
    caps = np.full(101, 100_000)
    order = fill_order(Strategy.EVEN, list(range(1, 101)), caps)
    assert len(order) == 10_000_000
    assert order.sequence.nbytes + order.caps.nbytes < 2_000  # not 80 MB of list
    half = order.allocation(5_000_000, 101)
    assert half.sum() == 5_000_000 and set(half[1:]) == {50_000}
