"""Streamlit-side adapter helpers for app.py and pages/.

`ui.charts` (pure `DataFrame -> alt.Chart` builders) and `ui.theme` (palette and sizes)
import altair/pandas only, never streamlit, so they are tested through `chart.to_dict()`
without a running app.
"""
