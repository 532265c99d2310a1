"""Typing into the Hiring plan's tables and the Capacity parameters (AppTest): successive
edits sent to one editor all land, a rerun applies nothing twice, and an edit of one table
never re-applies another table's old edits.

The browser sends, with every edit, all the edits made so far in the editor it shows (the
one mounted under its key). An edit must therefore not remount that editor (the key stays),
and the page must find an edit already applied to be no change.
"""

from __future__ import annotations

import pytest

from forecasting.model import edits
from ui import state

PLAN = "plan_editor"
TEAM = "team_plan_editor"
MANUAL = "manual_starts_editor"
CAPACITY = "capacity_params_editor"


def typed(at, key: str, edited_rows: dict) -> None:
    """What the browser sends while the user types: every edit made so far in the editor
    mounted under `key`, then a rerun."""
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()


def table(at, prefix: str):
    return next(e for e in at.data_editor if e.key.startswith(prefix)).value


def base(at):
    return at.session_state[state.KEY_BASE]


@pytest.mark.slow
def test_positions_typed_down_the_plan_column_all_land(plan_page, ui):
    at = plan_page
    recommended = list(table(at, PLAN)["recommended"])
    key = ui.editor_key(at, PLAN)
    typed(at, key, {0: {"planned": 4}})
    assert ui.editor_key(at, PLAN) == key  # still the editor the user types in
    assert at.session_state[state.KEY_PLAN_MODE] == "manual"
    typed(at, key, {0: {"planned": 4}, 1: {"planned": 3}})
    typed(at, key, {0: {"planned": 4}, 1: {"planned": 3}, 2: {"planned": 2}})
    assert ui.problems(at) == []
    expected = [4, 3, 2, *recommended[3:]]
    assert edits.mle_schedule(base(at))[1:] == expected
    assert list(table(at, PLAN)["planned"]) == expected
    assert ui.editor_key(at, PLAN) == key


@pytest.mark.slow
def test_a_plan_edit_is_applied_once_and_a_rerun_changes_nothing(plan_page, ui):
    at = plan_page
    ui.edit_table(at, PLAN, {2: {"planned": 3}})
    after = base(at)
    at.run()  # the editor still holds the edit: applying it again must change nothing
    assert base(at) is after
    # Reset drops the held edit: it is not re-applied over the recommendation.
    ui.button(at, "Reset to the recommendation").click().run()
    at.run()
    assert at.session_state[state.KEY_PLAN_MODE] == "recommended"
    assert not edits.has_mle_plan(base(at))


@pytest.mark.slow
def test_growth_typed_down_the_team_plan_all_lands(plan_page, ui, fast_scenario):
    at = plan_page
    key = ui.editor_key(at, TEAM)
    typed(at, key, {0: {"grow to": 12}})
    assert ui.editor_key(at, TEAM) == key
    typed(at, key, {0: {"grow to": 12}, 3: {"grow to": 6}})
    assert ui.problems(at) == []
    deadline = fast_scenario.target.deadline_month
    for role, to in (("data_engineer", 12), ("product_manager", 6)):
        policy = base(at).policy_of(role)
        assert (policy.kind, policy.to, policy.by_month) == ("growth", to, deadline)
    shown = table(at, TEAM)
    assert list(shown["policy"].iloc[[0, 3]]) == ["grow", "grow"]
    assert list(shown["grow to"].iloc[[0, 3]]) == [12, 6]
    after = base(at)
    at.run()
    assert base(at) is after
    # Only the roles' choices land in the scenario, not the solver's positions on show.
    assert not edits.has_mle_plan(after)


@pytest.mark.slow
def test_starts_typed_by_month_all_land(plan_page, ui):
    at = plan_page
    key = ui.editor_key(at, MANUAL)
    typed(at, key, {0: {"Product manager": 2}})
    assert ui.editor_key(at, MANUAL) == key
    typed(at, key, {0: {"Product manager": 2}, 1: {"Product manager": 1}})
    typed(at, key, {0: {"Product manager": 2}, 1: {"Product manager": 1}, 2: {"Data engineer": 1}})
    assert ui.problems(at) == []
    assert base(at).starts_of("product_manager")[:3] == (2, 1, 0)
    assert base(at).starts_of("data_engineer")[:3] == (0, 0, 1)
    assert [base(at).policy_of(r).kind for r in ("data_engineer", "product_manager")] == [
        "none",
        "none",
    ]
    after = base(at)
    at.run()
    assert base(at) is after


@pytest.mark.slow
def test_a_team_plan_edit_restarts_the_other_tables(plan_page, ui):
    """Starts typed for the PMs, then the PMs set to grow: the old starts must not come back
    (the starts table shows 0 for a role with a policy, so re-reading its old edit would
    undo the growth, and the growth the starts, run after run)."""
    at = plan_page
    ui.edit_table(at, MANUAL, {0: {"Product manager": 2}})
    ui.edit_table(at, PLAN, {1: {"planned": 5}})
    manual_key, plan_key = ui.editor_key(at, MANUAL), ui.editor_key(at, PLAN)
    ui.edit_table(at, TEAM, {3: {"policy": "grow", "grow to": 9}, 2: {"policy": "no hiring"}})
    assert ui.problems(at) == []
    assert ui.editor_key(at, MANUAL) != manual_key
    assert ui.editor_key(at, PLAN) != plan_key
    at.run()
    pm = base(at).policy_of("product_manager")
    assert (pm.kind, pm.to) == ("growth", 9)
    assert not any(base(at).starts_of("product_manager"))
    # The ML engineer row's change returns the plan to the recommendation, and the plan
    # table's old edit does not take it over again.
    assert at.session_state[state.KEY_PLAN_MODE] == "recommended"
    assert base(at).policy_of("ml_engineer").kind == "none"
    assert list(table(at, MANUAL)["Product manager"]) == [0] * len(table(at, MANUAL))


@pytest.mark.slow
def test_a_starts_edit_restarts_the_team_plan_table(plan_page, ui):
    at = plan_page
    ui.edit_table(at, TEAM, {3: {"grow to": 9}})
    team_key = ui.editor_key(at, TEAM)
    ui.edit_table(at, MANUAL, {0: {"Product manager": 2}})
    assert ui.editor_key(at, TEAM) != team_key
    at.run()
    assert ui.problems(at) == []
    assert base(at).policy_of("product_manager").kind == "none"
    assert base(at).starts_of("product_manager")[0] == 2
    assert table(at, TEAM)["policy"].iloc[3] == "manual starts"


@pytest.mark.slow
def test_capacity_values_typed_down_the_column_all_land(app, ui, token, fast_scenario):
    at = app("capacity", query={"s": token(fast_scenario)})
    names = list(table(at, CAPACITY)["parameter"])
    row = {name: names.index(name) for name in ("ds_per_mle_supported", "ds_per_de_supported")}
    key = ui.editor_key(at, CAPACITY)
    typed(at, key, {row["ds_per_mle_supported"]: {"value": 2.0}})
    assert ui.editor_key(at, CAPACITY) == key
    typed(
        at,
        key,
        {row["ds_per_mle_supported"]: {"value": 2.0}, row["ds_per_de_supported"]: {"value": 3.0}},
    )
    assert ui.problems(at) == []
    capacity = {**fast_scenario.capacity.to_dict(), "ds_per_mle_supported": 2.0}
    assert base(at) == fast_scenario.replace(capacity={**capacity, "ds_per_de_supported": 3.0})
    after = base(at)
    at.run()
    assert base(at) is after


@pytest.mark.slow
def test_a_refused_capacity_cell_is_named_and_the_others_land(app, ui, token, fast_scenario):
    at = app("capacity", query={"s": token(fast_scenario)})
    names = list(table(at, CAPACITY)["parameter"])
    drag, mle = names.index("mentoring_drag"), names.index("ds_per_mle_supported")
    ui.edit_table(at, CAPACITY, {drag: {"value": 5.0}, mle: {"value": 2.0}})
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("`mentoring_drag`: 5.0 is outside [0, 2]")
    assert base(at).capacity.ds_per_mle_supported == 2.0
    assert base(at).capacity.mentoring_drag == fast_scenario.capacity.mentoring_drag
