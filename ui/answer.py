"""The answer card: the decision first, on Overview and Hiring plan.

How many new ML engineer positions (or starts), when (per quarter), the run-rate, the
probability of meeting the target at the deadline and of holding it to the horizon
(with how long the target holds after the deadline, and a warning, when it does not hold
to the horizon; one line on Hold when it is on), and, while the team on screen is
the built-in sample, one line saying so and how to bring one's own.
"""

from __future__ import annotations

import streamlit as st

from forecasting.model import edits, formatting
from forecasting.report import sentences
from ui import compute, downloads, state

SAMPLE_NOTE = (
    "This is the built-in sample team. Bring your own on **Team & data** (type the "
    "headcount or upload an HR export); the numbers here follow it."
)


HOLD_NOTE = (
    "Hold is on: the plan keeps the ratio at the target in every month from the deadline "
    "to the horizon, not only at the deadline."
)


def card(view: compute.PlanView, *, where: str) -> None:
    """Draw the answer card of `view` (the session's current plan).

    Args:
        view: the current PlanView.
        where: "overview" or "plan": what the held warning points to.
    """
    scenario, result, rec = view.scenario, view.result, view.recommendation
    target, months = scenario.target, result.months
    workshop = state.workshop()
    with st.container(border=True, key=f"answer_card_{where}"):
        st.markdown(
            "#### "
            + sentences.answer_sentence(
                rec,
                state.base(),
                strategy=view.strategy,
                error=view.solver_error,
                reachable=view.reachable,
            )
        )
        if state.is_sample_team(state.base()):
            st.caption(SAMPLE_NOTE)
        if view.mode == state.PLAN_MANUAL:
            st.caption(
                f"The numbers show your hand-edited plan ({edits.MlePlan.of(scenario).text()}); "
                "the sentence above is the solver's recommendation."
            )
        mle_plan = edits.MlePlan.of(scenario)
        goal = target.confidence
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(
            mle_plan.mode.unit(capital=True),
            mle_plan.total,
            "hand-edited" if view.mode == state.PLAN_MANUAL else None,
            delta_color="off",
            delta_arrow="off",
            help="Recommended by the solver for the target, or your hand-edited plan.",
        )
        c2.metric(
            "Run-rate of added ML engineers",
            f"{formatting.money(compute.run_rate(view))}/yr",
            help="The added ML engineers on payroll at the deadline (mean over simulated "
            "paths: leavers, seats empty while refilled and the fill rate counted) x their "
            "annual cost.",
        )
        c3.metric(
            "P(target met by deadline)",
            sentences.probability_text(result.p_target_met, result.se_met, goal),
            help=f"Goal {formatting.percent(goal)}. Share of simulated paths with at most k "
            "data scientists per ML engineer at the deadline "
            f"({formatting.month_name(months[scenario.deadline])}); near the goal with its Monte "
            "Carlo error (±1 standard error). A recommended plan is also certified on "
            "independent paths.",
        )
        c4.metric(
            "P(target held to horizon)",
            sentences.probability_text(result.p_target_held, result.p_held_se, goal),
            help="Share of paths on target in every month from the deadline to the horizon "
            f"({formatting.month_name(months[-1])}).",
        )
        downloads.show_quarters(scenario, workshop=workshop)
        if view.team is not None:
            from forecasting.report.sentences import team_sentence

            st.markdown(team_sentence(view.team, scenario))
        elif view.team_error:
            st.warning(f"Team shape not solved: {view.team_error}")
        held = sentences.held_warning(
            result.p_target_met, result.p_target_held, goal, target.ds_per_mle
        )
        holds = sentences.holds_text(result)
        if target.hold and not holds:
            st.caption(HOLD_NOTE)
        elif held or holds:
            fix = (
                " Turn on 'Hold' to plan for it."
                if workshop or where == "plan"
                else " Hold the target on the Hiring plan page to plan for it."
            )
            st.warning(" ".join(t for t in (holds, held) if t) + ("" if target.hold else fix))
