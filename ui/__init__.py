"""Streamlit-side helpers: pure chart builders (charts.py) and their palette and sizes (theme.py).

`ui.charts` and `ui.theme` import altair/pandas only, never streamlit, so they can be
tested through `chart.to_dict()` without a running app.
"""
