"""Sensitivity & budget: which assumption moves the answer, what a budget buys, and what
each extra 10 points of confidence cost."""

from __future__ import annotations

from functools import partial

import streamlit as st

from forecasting.model import edits, formatting
from forecasting.plan.budget import FRONTIER_TARGETS
from forecasting.report import sentences
from ui import advice as analyses
from ui import background, compute, controls, state
from ui.downloads import show_spec

state.require_app()

view = compute.current_view()
scenario, workshop = view.scenario, state.workshop()
base = edits.without_mle_plan(compute.interactive(state.base()))
months = scenario.months()
target = scenario.target
plan = tuple(edits.mle_schedule(scenario))

st.title("Sensitivity & budget")
st.caption(
    f"On {min(scenario.paths, analyses.ANALYSIS_PATHS):,} simulated paths, the same random "
    "numbers for every variant: an assumption that cannot matter changes nothing, exactly."
)

st.subheader("What moves the answer")
# Prepared in the background since the view appeared: not ready yet, it is computed there
# first and arrives by itself (the same call: the same numbers).
job = analyses.sensitivity_job(state.base(), state.strategy(), state.plan_mode(), workshop)
ready = partial(background.is_cached, analyses.sensitivity_cached, base, view.strategy, plan)
if background.in_background_now(job, ready):
    background.computing(
        "Varying each assumption (one re-solve per end of each range)… the tornado "
        "appears here by itself in a few seconds."
    )
    background.rerun_when_ready({job.label: ready})
    result, not_done = None, None
else:
    with st.spinner("Varying each assumption…"):
        result, not_done = analyses.sensitivity_cached(base, view.strategy, plan)
if result is None and not_done is None:
    pass  # being computed
elif result is None:
    st.warning(f"Not varied: {not_done}")
else:
    if result.capped:
        st.info(f"Cut short at the interactive work limit: {result.capped}")
    st.markdown("##### " + sentences.sensitivity_sentence(result, months))
if result is not None and result.rows:  # a tornado cut short before its first row has none
    # One under the other: side by side, each assumption's label (up to ~260 px) left a
    # 1280 px screen's plot 130 px wide and a 1024 px one's about 30 px.
    for measure in ("positions", "p_target_met"):
        spec = analyses.tornado_spec(result, months, measure, workshop)
        show_spec(spec, key=f"tornado_{measure}", workshop=workshop)
    with st.expander("Every assumption, its range and the answer at each end"):
        table = [
            {
                "assumption": r.label,
                "scenario key": r.parameter,
                "low": sentences.value_text(r.parameter, r.low, months),
                "high": sentences.value_text(r.parameter, r.high, months),
                "positions (low → high)": " → ".join(
                    "out of reach" if n is None else str(n) for n in r.positions
                ),
                "P(met), today's plan": " → ".join(formatting.percent(p) for p in r.p_target_met),
                "target reached": " → ".join(
                    "not within horizon"
                    if m is None
                    else ("already met" if m == 0 else formatting.month_name(months[m]))
                    for m in r.target_reached
                ),
            }
            for r in result.rows
        ]
        st.dataframe(table, width="stretch", hide_index=True)
        st.caption(
            "Ranges: an attrition rate's own interval (from the data or the default's), time "
            "to fill ± 1 month, fill rate ± 15 points, data-science growth half to one and a "
            "half times (a projection: its 80% band), ramp-up ± 2 months, reskilling ± 5 "
            "points, the deadline ± 3 months. Also: `python -m forecasting sensitivity "
            "scenario.json`."
        )

st.subheader("What a budget buys")
# the scenario's budget (it travels in the link and the file), else today's plan at its
# full yearly cost once filled: the budget that buys it
default_budget = float(sum(plan) * scenario.annual_cost_of("ml_engineer"))
stated = state.base().budget_annual
budget = st.number_input(
    "We can add this much a year for ML engineers (USD)",
    min_value=0.0,
    max_value=1e9,
    step=50_000.0,
    format="%.0f",
    key=state.bind("w_budget", default_budget if stated is None else float(stated)),
    on_change=lambda: state.set_base(
        state.base().replace(budget_annual=float(st.session_state["w_budget"]))
    ),
    help="What the added positions cost a year once filled (positions x annual cost); "
    "the answer also gives their expected run-rate at the deadline, as on the answer card. "
    "Saved with the scenario (budget_annual).",
)
answer, not_done = analyses.budget_cached(base, float(budget), view.strategy)
if answer is None:
    st.warning(f"Not computed: {not_done}")
else:
    st.markdown("##### " + sentences.budget_sentence(answer, months))

st.subheader("Reskilling or hiring")
st.caption(
    "Whole data scientists reskilled (how many, and the month they start: every "
    f"{analyses.MIX_MONTH_STEP} months back from the last that arrives by the deadline) with "
    "the fewest new positions the solver then adds; hiring only is the solver's answer. "
    "Every option is costed over the same months: added salaries (new and reskilled ML "
    "engineers, backfilled data-science seats, trainees) and the programme."
)
controls.reskill_programme()
if st.toggle("Search the mixes (one solve per number of people and start month)", key="mix_on"):
    with st.spinner("Solving each number of people and start month…"):
        mix, not_done = analyses.mix_cached(base, view.strategy)
    if mix is None:
        st.warning(f"Not computed: {not_done}")
    else:
        st.markdown(analyses.mix_markdown(mix, base))
        st.dataframe(analyses.mix_table(mix, base.months()), width="stretch", hide_index=True)

st.subheader("What confidence costs")
targets = tuple(sorted({*FRONTIER_TARGETS, float(target.ds_per_mle)}))
front, not_done = analyses.frontier_cached(base, view.strategy, targets)
if front is None:
    st.warning(f"Not computed: {not_done}")
    st.stop()
if front.capped:
    st.info(f"The frontier stops at {front.added[-1]:,} added: {front.capped}")
show_spec(
    analyses.frontier_spec(front, target.confidence, target.ds_per_mle, workshop),
    key="frontier",
    workshop=workshop,
)
steps = front.cost_per_10_points(float(target.ds_per_mle))
words = [
    f"{formatting.percent(lo)} → {formatting.percent(hi)}: "
    + ("out of reach" if cost is None else f"{formatting.money(cost, signed=True)}/yr")
    for lo, hi, cost in steps
]
st.markdown(
    f"**Each extra 10 points of confidence for {formatting.ratio_text(target.ds_per_mle)} by "
    f"{formatting.month_name(months[scenario.deadline])}"
    + (" (met at the deadline; the answer card also holds it)" if target.hold else "")
    + ":** "
    + "; ".join(words)
    + "."
)
