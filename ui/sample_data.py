"""The built-in sample team, parsed once per process (public data: safe to share)."""

from __future__ import annotations

import streamlit as st

from forecasting import sample
from forecasting.ingest import IngestResult, ingest_bytes


@st.cache_resource(show_spinner=False)
def sample_ingest() -> IngestResult:
    """The sample roster in data/, read by the same ingest as an upload."""
    return ingest_bytes(sample.sample_roster_bytes(), filename="sample_roster.csv")
