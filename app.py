"""Streamlit entry point (placeholder until the dashboard issue)."""

import streamlit as st

st.set_page_config(page_title="ML workforce planner", layout="wide")
st.title("ML workforce planner")
st.write("The dashboard is being built; run `python -m forecasting plan SCENARIO.json` meanwhile.")
