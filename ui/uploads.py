"""The session's CSV upload: parsed in memory, kept in session state, applied on request.

Uploaded bytes are never written to disk, never logged and never put in a shared
cache: the parsed result lives in this session's ``st.session_state`` only, keyed
by a hash of the bytes plus the reading options, so a rerun does not re-parse.
A failed upload records its error and leaves the previous upload and the scenario
untouched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from forecasting.errors import PlannerError
from forecasting.ingest import IngestResult, ingest_bytes
from forecasting.roles import ROLE_KEYS
from forecasting.scenario import Scenario
from ui import state

KEY_ERROR = "upload_error"


@dataclass(frozen=True)
class Upload:
    """A successfully parsed upload of this session."""

    key: tuple
    name: str
    result: IngestResult


def current() -> Upload | None:
    """This session's last good upload, if any."""
    return st.session_state.get(state.KEY_UPLOAD)


def process(
    data: bytes,
    name: str,
    *,
    kind: str | None = None,
    date_order: str | None = None,
    as_of: str | None = None,
    mapping: dict[str, str] | None = None,
) -> bool:
    """Parse an upload into the session; return False (and record why) if it is refused."""
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, kind, date_order, as_of, tuple(sorted((mapping or {}).items())))
    previous = current()
    if previous is not None and previous.key == key:
        return True
    try:
        result = ingest_bytes(
            data, filename=name, kind=kind, date_order=date_order, as_of=as_of, mapping=mapping
        )
    except PlannerError as exc:
        st.session_state[KEY_ERROR] = f"{name}: {exc}"
        return False
    st.session_state.pop(KEY_ERROR, None)
    st.session_state[state.KEY_UPLOAD] = Upload(key=key, name=name, result=result)
    return True


def pop_error() -> str | None:
    """The last refused upload's message (shown once)."""
    return st.session_state.pop(KEY_ERROR, None)


def applied_scenario(
    base: Scenario, result: IngestResult, *, use_rates: bool, use_costs: bool
) -> Scenario:
    """The base scenario with the upload's headcount (and optionally rates and costs)."""
    changes: dict = {"headcount": {k: int(result.headcount.get(k, 0)) for k in ROLE_KEYS}}
    if result.as_of is not None:
        year, month = result.as_of.year, result.as_of.month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        changes["start_month"] = f"{year:04d}-{month:02d}"
    if use_rates and result.attrition:
        attrition = dict(zip(ROLE_KEYS, base.attrition_annual))
        interval = {k: list(iv) for k, iv in zip(ROLE_KEYS, base.attrition_interval) if iv}
        for role, (mid, low, high) in result.attrition.items():
            if role in attrition:
                attrition[role] = float(mid)
                if low < mid < high:
                    interval[role] = [float(low), float(high)]
        changes["attrition_annual"] = attrition
        changes["attrition_interval"] = interval
    if use_costs and result.annual_cost:
        cost = dict(zip(ROLE_KEYS, base.annual_cost))
        cost.update({r: float(v) for r, v in result.annual_cost.items() if r in cost and v > 0})
        changes["annual_cost"] = cost
    return base.replace(**changes)
