"""ML workforce planner: the Streamlit entry point.

Routes every page with st.navigation, initialises the session from the shareable
link, and holds the sidebar controls shared by all pages (workshop mode, scenario
file download/restore). Run with `python -m ui.launch` (``streamlit run app.py`` with
ui.serving's hooks installed before the server listens; plain ``streamlit run app.py``
works too, its hooks install on the first session's run).
"""

from __future__ import annotations

import logging
import time

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from forecasting.plan.evaluate import SolverCancelled
from ui import (
    advice,  # noqa: F401 - registers the Sensitivity page's background work
    compute,
    controls,
    heap,
    layout,
    nav,
    serving,
    state,
    uploads,
    work,
)
from ui.text import md_escape

# Streamlit runs an app with a pages/ folder in v1 multipage mode until st.navigation has
# run once in the process, so the first request of a fresh server finds /plan by file name
# (ui.nav: each page file is named after its URL path); the page then reruns through this
# script (state.require_app) instead of "Page not found".
PAGES = [
    st.Page(
        p.path,
        title=p.title,
        icon=p.icon,
        url_path=p.url_path or None,  # the default page is served at the root
        default=p.default,
    )
    for p in nav.PAGES
]

#: The URL paths of the pages that draw the session's plan (compute.current_view).
VIEW_PAGES = {p.url_path for p in nav.PAGES if p.name in ("overview", "plan", "capacity")}

# Once per process: no anonymous cache clearing, anti-framing headers, private metrics,
# uploads bounded per session and per process (ui.serving).
serving.install()
# Once per process, the modules just imported are kept out of the full garbage collection
# Streamlit runs after every script run (0.1 s a rerun on this heap; ui/heap.py).
heap.freeze_once()
try:
    state.init()
except Exception:
    logging.getLogger("planner").error("session set-up failed", exc_info=False)
    state.reset_to_sample("the link could not be read")
# Workshop mode (a projector, 1280 x 720): the sidebar collapsed, the pages in a bar at
# the top and the five controls that matter in a compact row above every page.
workshop = state.workshop()
st.set_page_config(
    page_title="ML workforce planner",
    page_icon="📊",  # an emoji: a :material: icon is fetched from an external site
    layout="wide",
    initial_sidebar_state="collapsed" if workshop else "auto",
)
page = st.navigation(PAGES, position="top" if workshop else "sidebar")
started = time.monotonic()
first_run = controls.KEY_WALK not in st.session_state  # the session's first screen
walking = controls.walking()
walk_record = st.session_state[controls.KEY_WALK]  # this run's (controls.run_finished)
if page.url_path in VIEW_PAGES and not first_run:
    # The plan first, the page after (ui.compute.solve_first): a run that a newer slider
    # value interrupts while it solves has drawn nothing the browser must process first.
    # (Not on a session's first screen: its sidebar and controls show while it solves.)
    try:
        compute.solve_first()
    except SolverCancelled:
        st.stop()  # nobody waits for this run any more (the session ended)
    if walking:  # a held arrow key: its next step is on its way (the last value wins)
        compute.settle(started)
layout.sidebar()
state.link_widgets()
layout.apply_theme()
if workshop:
    controls.workshop_bar()
link_error, notice = state.pop_messages()
if link_error:
    st.error(md_escape(link_error))
if notice:
    st.success(notice)
on_team_page = page.url_path == "team"
fresh = state.pop_fresh()
if fresh:
    st.caption(state.FRESH_SESSION)
# A team that came from an uploaded file this session does not hold (a link's: after a
# restart, in a new tab) says so on its first screen, and on Team & data every time.
if (fresh or on_team_page) and (not_kept := state.upload_not_kept()):
    st.info(not_kept)
# A file read but not applied is named above every page; on Team & data after the page
# ran (it reads a dropped file while it runs; the others may end early with st.stop()).
upload_banner = st.container()
if not on_team_page:
    with upload_banner:
        uploads.pending_banner(on_team_page=False)
if state.base().paths > work.MAX_PATHS:
    st.info(
        f"This scenario asks for {state.base().paths:,} simulated paths; the app simulates "
        f"{work.MAX_PATHS:,} per view (the command line, `python -m "
        "forecasting`, runs all of them)."
    )

if work.busy():
    st.caption(
        "The server is computing other plans at the moment: this page takes its turn "
        f"(at most {work.MAX_HEAVY} computations run at once)."
    )
try:
    page.run()
except SolverCancelled:
    st.stop()  # nobody waits for this run any more (the session ended)
except StopException:
    # The page ended its run early on purpose (st.stop(): nothing more to draw). A run
    # finished, not one a newer value interrupted: the next run is no walk's step unless
    # it comes right after this one (ui.controls.walk).
    controls.run_finished(walk_record)
    raise
except Exception:
    # Log the exception type and location only: messages could quote uploaded cells.
    logging.getLogger("planner").error("unexpected error on page %s", page.title, exc_info=False)
    st.error(
        "Something went wrong while drawing this page. Your team and scenario are kept: "
        "try the previous step again, or reload the page. If it persists, download the "
        "scenario file from the sidebar and report it."
    )
finally:
    # A reconnected tab's first run (after a server restart): the change the user made
    # takes effect now that the page's widgets are known (also after a page's st.stop()).
    state.replay_browser_values()
if on_team_page:
    with upload_banner:
        uploads.pending_banner(on_team_page=True)
controls.run_finished()
state.relink()
