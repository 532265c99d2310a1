"""The exact chains kept between calls are bounded in bytes, not only in entries: a
distribution is (T+1) x (N+1) floats, 18 MB for 19,000 people over 120 months, so 256
entries of links with large teams would have held gigabytes in one server."""

from __future__ import annotations

import numpy as np

from forecasting.simulate import exact_chain
from forecasting.simulate.exact_chain import ChainMemo, ChainResult, NotExact


def _result(kib: int) -> ChainResult:
    return ChainResult(
        probabilities=np.zeros(kib * 128), truncated=0.0, states=np.zeros(0, dtype=np.int64)
    )


def test_the_memo_keeps_the_latest_within_its_bytes():
    memo = ChainMemo(256, max_bytes=100 * 1024)
    for i in range(10):
        memo.put(bytes([i]), _result(30))  # 30 KiB each: three fit
        assert memo.nbytes <= 100 * 1024
    assert [memo.get(bytes([i])) is not None for i in range(10)] == [False] * 7 + [True] * 3
    memo.get(bytes([7]))  # used: the least recently used goes first
    memo.put(b"new", _result(30))
    assert memo.get(bytes([7])) is not None and memo.get(bytes([8])) is None
    memo.put(b"new", _result(30))  # the same key again is not counted twice
    assert memo.nbytes == 3 * 30 * 1024
    memo.put(b"refused", NotExact("too large"))  # a refusal holds no arrays
    assert memo.nbytes == 3 * 30 * 1024 and isinstance(memo.get(b"refused"), NotExact)
    memo.clear()
    assert memo.nbytes == 0 and memo.get(b"new") is None


def test_the_entry_bound_still_holds_and_the_server_memos_are_bounded_in_bytes():
    memo = ChainMemo(2)
    for i in range(5):
        memo.put(bytes([i]), _result(1))
    assert memo.get(bytes([2])) is None and memo.get(bytes([4])) is not None
    for kept in (exact_chain.MEMO, exact_chain.MEMO_RECORDED):
        assert kept.max_bytes == exact_chain.MEMO_BYTES <= 256 * 2**20
