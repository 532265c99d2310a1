"""Every default of the engine in one place: value, unit and where it comes from.

Scenario defaults, capacity-model parameters and the public reference figures
they are calibrated against all live in `PARAMS`. The UI renders `params_table()`;
`forecasting.model.scenario` reads its defaults through `value()` / `role_value()`.

Sources marked "public figure" are claims the app quotes as such (see
PRODUCT.md); "assumption" marks a choice of this project that the user should
review and edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from forecasting.model import checks
from forecasting.model.errors import ScenarioError
from forecasting.model.formatting import money, month_name
from forecasting.model.months import quoted


class Fmt(StrEnum):
    """How a parameter's value reads to a person (`Param.text`)."""

    PERCENT = "percent"  # a share: 0.84 -> "84%"
    PERCENT_YR = "percent_yr"  # an annual rate: 0.13 -> "13%/yr"
    MONTHS = "months"  # 2 -> "2 months"
    MONTH = "month"  # a month index: its month's name when the labels are known
    MONEY = "money"  # 165000 -> "$165k"
    NUMBER = "number"  # 2000 -> "2000"
    TEXT = "text"


class Check(StrEnum):
    """How a scenario value is checked (forecasting/model/checks.py); the messages name the
    key and say how to fix it with `Param.hint`."""

    RATE = "rate"  # a rate in [0, 1)
    SHARE = "share"  # a probability in (low, high]: (0, 1]
    OPEN = "open"  # a probability in (low, high): (0, 1)
    INTEGER = "integer"  # a whole number in [low, high]
    BOUNDED = "bounded"  # a number in [low, high]
    NONE = "none"  # checked where it is parsed (a month label, true/false, a policy)


@dataclass(frozen=True)
class Param:
    """One assumption or setting, declared once: what the scenario checks, the brief and the
    Team & data table show, sentences format and the sensitivity varies all read it here.

    Attributes:
        key: dotted scenario key, e.g. "attrition_annual" (all roles) or
            "annual_cost.ml_engineer" (one role) or "capacity.mentoring_drag".
        value: the default value.
        unit: unit of `value`, in words.
        source: where the number comes from ("public figure: ..." or "assumption: ...").
        description: what the parameter means in the model.
        label: its name in a table or the brief ("Time to fill").
        fmt: how its value reads (`Fmt`).
        check: how a scenario value is checked (`Check`), with `low`, `high` and `hint`.
        low, high: the check's bounds.
        hint: how to fix a bad value, ending the error message ("give months, e.g. 2").
        per_role: the scenario holds one value per role (one number sets every role).
        column: its column in the Team & data assumptions table (per-role fields), or "".
        in_brief: listed among the brief's assumptions.
        step: the sensitivity's step either way (None: not varied one at a time).
        vary: the sensitivity's range: clip bounds (low, high) for the values tried.
        vary_roles: for a per-role field, the roles the sensitivity varies.
        vary_label: the sensitivity row's label; "{role}" is the role's name.
    """

    key: str
    value: float | int | str | bool
    unit: str
    source: str
    description: str
    label: str = ""
    fmt: Fmt = Fmt.NUMBER
    check: Check = Check.NONE
    low: float = 0.0
    high: float = math.inf
    hint: str = ""
    per_role: bool = False
    column: str = ""
    in_brief: bool = False
    step: float | None = None
    vary: tuple[float, float] = (0.0, math.inf)
    vary_roles: tuple[str, ...] = ()
    vary_label: str = ""

    def validate(self, value: object, key: str | None = None) -> Any:
        """`value` checked as this parameter (`check`, `low`, `high`, `hint`): the clean
        number, or ScenarioError naming `key` (default: this key) and how to fix it."""
        key = key or self.key
        if self.check is Check.RATE:
            return checks.rate(value, key, self.hint)
        if self.check is Check.INTEGER:
            return checks.integer(value, key, int(self.low), int(self.high), self.hint)
        if self.check is Check.BOUNDED:
            return checks.bounded(value, key, self.low, self.high, self.hint)
        if self.check in (Check.SHARE, Check.OPEN):
            v = checks.number(value, key, self.hint)
            closed = self.check is Check.SHARE
            if not (self.low < v <= self.high if closed else self.low < v < self.high):
                span = f"({self.low:g}, {self.high:g}{']' if closed else ')'}"
                raise ScenarioError(f"{key}: {quoted(value)} is outside {span}; {self.hint}")
            return v
        return value

    def text(self, value: float, months: list[str] | None = None) -> str:
        """`value` as a person reads it (`fmt`); a month index as its month's name when
        the month labels are given."""
        if self.fmt is Fmt.PERCENT_YR:
            return f"{100 * value:.0f}%/yr"
        if self.fmt is Fmt.PERCENT:
            return f"{100 * value:.0f}%"
        if self.fmt is Fmt.MONTH:
            return month_name(months[int(value)]) if months is not None else f"month {value:.0f}"
        if self.fmt is Fmt.MONTHS:
            return f"{value:g} months"
        if self.fmt is Fmt.MONEY:
            return money(value)
        return f"{value:.0f}"

    def varied(self, value: float) -> tuple[float, float]:
        """The sensitivity's low and high values around `value` (`step`, clipped to `vary`)."""
        assert self.step is not None, f"{self.key} is not varied"
        lo, hi = self.vary
        low, high = max(value - self.step, lo), min(value + self.step, hi)
        if self.check is Check.INTEGER:
            return int(low), int(high)
        return round(low, 4), round(high, 4)


_ASSUMPTION = "assumption (this project); review and edit"
_SHARE_HINT = "give a share of time between 0 and 1, e.g. 0.2"

_RATE_HINT = "give an annual rate such as 0.13"
_COST_HINT = "give USD per person per year, e.g. 165000"
_SALARY = "public figure: US 2023 median salary, {} (base, not fully loaded)"
MAX_HORIZON = 120
MAX_COUNT = 100_000  # people in one role, or starts in one month

#: The registry, in the order the brief, the sources table and the sensitivity list them.
PARAMS: tuple[Param, ...] = (
    # --- simulation set-up --------------------------------------------------
    Param(
        "horizon_months",
        36,
        "months",
        _ASSUMPTION,
        "How many months ahead the projection runs (1..120).",
        label="Horizon",
        check=Check.INTEGER,
        low=1,
        high=MAX_HORIZON,
        hint="give months, e.g. 36",
        in_brief=True,
    ),
    Param(
        "paths",
        2000,
        "simulated paths",
        _ASSUMPTION + "; P10/P90 are stable to about one person at this size",
        "Monte Carlo paths (100..100000).",
        label="Simulated paths",
        check=Check.INTEGER,
        low=100,
        high=100_000,
        hint="give e.g. 2000",
        in_brief=True,
    ),
    Param(
        "seed",
        1,
        "integer",
        _ASSUMPTION,
        "Random seed; the same seed gives the same result.",
        label="Seed",
        check=Check.INTEGER,
        low=0,
        high=2**63 - 1,
        hint="give e.g. 1",
    ),
    Param(
        "start_month",
        "current month",
        "YYYY-MM",
        _ASSUMPTION,
        "Label of month 0, the month whose headcount is given.",
        label="Start month",
        fmt=Fmt.TEXT,
    ),
    # --- flows ----------------------------------------------------------------
    Param(
        "attrition_annual",
        0.13,
        "share of the role leaving per year",
        "public figure: software/tech turnover about 13% a year (LinkedIn, 2018)",
        "Annual attrition per role; monthly exit probability is 1 - (1 - annual)^(1/12).",
        label="Annual attrition",
        fmt=Fmt.PERCENT_YR,
        check=Check.RATE,
        hint=_RATE_HINT,
        per_role=True,
        column="attrition %/yr",
        in_brief=True,
        vary_label="{role} attrition",  # varied over its interval (plan/sensitivity.py)
    ),
    Param(
        "time_to_fill_months",
        2,
        "months",
        "public figure: data-science postings stay open about 45 days (IBM/Burning Glass, "
        "2017), rounded up to whole months",
        "Months from opening a requisition to the start; the solver adds no new start "
        "earlier, and open requisitions join at the end of this month.",
        label="Time to fill",
        fmt=Fmt.MONTHS,
        check=Check.INTEGER,
        high=MAX_HORIZON,
        hint="give whole months, e.g. 2",
        per_role=True,
        column="time to fill (months)",
        in_brief=True,
        step=1,
        vary_roles=("ml_engineer", "data_scientist"),
        vary_label="{role} time to fill (months)",
    ),
    Param(
        "fill_rate",
        0.84,
        "probability per planned start",
        "public figure: US offer-acceptance rate about 84% (2022); set 1 for signed offers",
        "Probability that each planned start (and open requisition) actually joins; under a "
        "hiring policy a start that fails stays open and is tried again the next month.",
        label="Fill rate of planned starts",
        fmt=Fmt.PERCENT,
        check=Check.SHARE,
        high=1.0,
        hint="give a probability such as 0.84 (1 = planned starts are certain)",
        in_brief=True,
        step=0.15,
        vary=(0.05, 1.0),
        vary_label="Fill rate (requisitions filled)",
    ),
    Param(
        "hiring_policy.data_scientist",
        "none",
        "policy",
        _ASSUMPTION + ": set the data-science plan first (it is the ratio's denominator)",
        "How data-science positions move: none, backfill, growth to N by a month, or a path "
        "(e.g. the status-quo projection).",
        label="Data-science growth",
        fmt=Fmt.TEXT,
        vary_label="Data-science growth",  # varied by its policy (plan/sensitivity.py)
    ),
    Param(
        "ramp_months",
        6,
        "months",
        "public figure: ramp to full productivity takes 3-9 months; midpoint",
        "A new hire's productivity rises linearly from 0 to 1 over this many months.",
        label="Ramp to full productivity",
        fmt=Fmt.MONTHS,
        check=Check.BOUNDED,
        high=60.0,
        hint="give months to full productivity, e.g. 6",
        per_role=True,
        column="ramp (months)",
        in_brief=True,
        step=2,
        vary_roles=("ml_engineer",),
        vary_label="{role} ramp-up (months)",
    ),
    Param(
        "reskill_annual",
        0.0,
        "share of data scientists per year",
        _ASSUMPTION + ": no internal moves unless planned",
        "Data scientists moving to ML engineer (reskilling), as an annual rate.",
        label="Reskilling DS → MLE",
        fmt=Fmt.PERCENT_YR,
        check=Check.RATE,
        hint=_RATE_HINT,
        in_brief=True,
        step=0.05,
        vary=(0.0, 0.5),
        vary_label="Reskilling (data scientists to ML engineers, per year)",
    ),
    Param(
        "reskill_months",
        0,
        "months",
        _ASSUMPTION + ": a move is immediate unless a programme length is given",
        "Months a reskilled data scientist spends in training before counting as an ML "
        "engineer; meanwhile half their time still goes to data science.",
        label="Reskilling programme",
        fmt=Fmt.MONTHS,
        check=Check.INTEGER,
        high=36,
        hint="give the months a reskilled data scientist trains, e.g. 6",
    ),
    Param(
        "reskill_cost",
        0.0,
        "USD per person",
        _ASSUMPTION + ": no programme cost unless given",
        "One-off cost of reskilling one data scientist (course, mentoring time), paid when "
        "they start training.",
        label="Reskilling cost",
        fmt=Fmt.MONEY,
        check=Check.BOUNDED,
        high=1e7,
        hint="give USD per person reskilled, e.g. 20000",
    ),
    Param(
        "offer_acceptance",
        0.84,
        "share of offers accepted",
        "public figure: US offer-acceptance rate about 84% (2022)",
        "Reference value for fill_rate when planned starts are offers, not signed hires.",
        label="Offer acceptance",
        fmt=Fmt.PERCENT,
    ),
    Param(
        "max_starts_per_month",
        3,
        "starts per month, per role",
        _ASSUMPTION + ": recruiting and onboarding throughput",
        "Most starts of one role the solver may schedule in one month.",
        label="Most starts a month",
        check=Check.INTEGER,
        high=MAX_COUNT,
        hint="give starts per month, e.g. 3",
        per_role=True,
        column="max starts/month",
        in_brief=True,
    ),
    # --- cost (US 2023 medians: base salary; every cost is loaded by cost_multiplier) ----
    Param(
        "cost_multiplier",
        1.42,
        "x base salary",
        "public figure: wages and salaries are about 70% of employer costs for employee "
        "compensation (US BLS, Employer Costs for Employee Compensation, private industry, "
        "2023), so the fully loaded cost is about 1 / 0.70 = 1.42 x salary",
        "Fully loaded cost per salary dollar (benefits, payroll taxes); every cost, run-rate "
        "and budget is salary x this.",
        label="Loaded cost multiplier",
        check=Check.BOUNDED,
        low=1.0,
        high=3.0,
        hint="give the loaded cost per salary dollar, e.g. 1.42 (1 = salary only)",
        in_brief=True,
    ),
    *(
        Param(
            f"annual_cost.{role}",
            cost,
            "USD per person per year",
            source,
            f"Annual cost of one {label}.",
            label=f"Annual cost, {label}",
            fmt=Fmt.MONEY,
            check=Check.BOUNDED,
            high=1e8,
            hint=_COST_HINT,
            per_role=True,
            column="annual cost (USD)",
            in_brief=True,
        )
        for role, label, cost, source in (
            ("data_engineer", "data engineer", 145_000, _SALARY.format("data engineer")),
            ("data_scientist", "data scientist", 154_000, _SALARY.format("data scientist")),
            ("ml_engineer", "ML engineer", 165_000, _SALARY.format("ML engineer")),
            (
                "product_manager",
                "product manager",
                150_000,
                _ASSUMPTION + ": no cited figure; set your own",
            ),
        )
    ),
    # --- target ---------------------------------------------------------------
    Param(
        "target.ds_per_mle",
        8.0,
        "data scientists per ML engineer (the k in 1:k)",
        _ASSUMPTION + ", inside the 1:5-1:10 band (Gartner, as reported)",
        "Target ratio: at most k data scientists per ML engineer.",
        label="Target ratio",
        check=Check.BOUNDED,
        low=0.01,
        high=1000.0,
        hint="give k of 1:k, e.g. 6",
    ),
    Param(
        "target.deadline_month",
        18,
        "months after the start (capped at the horizon)",
        _ASSUMPTION,
        "Month index by which the target ratio must be reached.",
        label="Deadline",
        fmt=Fmt.MONTH,
        check=Check.INTEGER,
        low=1,
        high=MAX_HORIZON,
        hint="give a month index within the horizon, e.g. 18",
        step=3,
        vary=(1, MAX_HORIZON),  # and the horizon
        vary_label="Deadline (month)",
    ),
    Param(
        "target.confidence",
        0.8,
        "probability",
        _ASSUMPTION,
        "Required probability of meeting (or holding) the target.",
        label="Confidence",
        fmt=Fmt.PERCENT,
        check=Check.OPEN,
        high=1.0,
        hint="give a probability such as 0.8",
    ),
    Param(
        "target.hold",
        False,
        "true/false",
        _ASSUMPTION,
        "If true, the ratio must stay within target from the deadline to the horizon.",
        label="Hold to the horizon",
        fmt=Fmt.TEXT,
    ),
    # --- capacity model -------------------------------------------------------
    Param(
        "capacity.mentoring_drag",
        0.2,
        "FTE of an experienced colleague per new hire at tenure 0",
        _ASSUMPTION,
        "Each ramping hire costs mentoring_drag x (1 - ramp) FTE of an experienced "
        "colleague of the same role, at most the incumbents' whole time (hires into an "
        "empty team cost no mentoring).",
        label="Mentoring drag",
        check=Check.BOUNDED,
        high=2.0,
        hint="give FTE per new hire, e.g. 0.2",
    ),
    Param(
        "capacity.ds_floor_share",
        0.20,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated with the two gaps so that a 1:10 team with one data "
        "engineer per 5 data scientists spends 44.5% (Anaconda 2020: about 45%)",
        "Engineering/data-prep share of data-scientist time even with full support.",
        label="Engineering share with full support",
        fmt=Fmt.PERCENT,
        check=Check.BOUNDED,
        high=1.0,
        hint=_SHARE_HINT,
    ),
    Param(
        "capacity.ds_engineering_gap",
        0.35,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated, see capacity.ds_floor_share",
        "Extra share of data-scientist time on engineering when ML engineer coverage is 0.",
        label="Engineering share without ML engineers",
        fmt=Fmt.PERCENT,
        check=Check.BOUNDED,
        high=1.0,
        hint=_SHARE_HINT,
    ),
    Param(
        "capacity.ds_data_prep_gap",
        0.35,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated, see capacity.ds_floor_share",
        "Extra share of data-scientist time on data prep when data engineer coverage is 0.",
        label="Data-prep share without data engineers",
        fmt=Fmt.PERCENT,
        check=Check.BOUNDED,
        high=1.0,
        hint=_SHARE_HINT,
    ),
    Param(
        "capacity.ds_per_mle_supported",
        5.0,
        "data scientists per ML engineer",
        _ASSUMPTION + ": the 1:5 end of the band reported from Gartner",
        "How many data scientists one ML engineer fully supports.",
        label="Data scientists one ML engineer supports",
        check=Check.BOUNDED,
        low=0.01,
        high=1000.0,
        hint="give DS per ML engineer, e.g. 5",
    ),
    Param(
        "capacity.ds_per_de_supported",
        4.0,
        "data scientists per data engineer",
        _ASSUMPTION,
        "How many data scientists one data engineer fully supports.",
        label="Data scientists one data engineer supports",
        check=Check.BOUNDED,
        low=0.01,
        high=1000.0,
        hint="give DS per data engineer, e.g. 4",
    ),
    Param(
        "capacity.ds_per_pm_supported",
        8.0,
        "data scientists per product manager",
        _ASSUMPTION + "; 0 leaves product managers out of the delivery index",
        "How many data scientists one product manager can direct.",
        label="Data scientists one product manager directs",
        check=Check.BOUNDED,
        high=1000.0,
        hint="give DS per PM, e.g. 8 (0 = ignore PMs)",
    ),
    Param(
        "reference.ds_data_prep_share",
        0.45,
        "share of data-scientist time",
        "public figure: data scientists spend about 45% of their time on data loading "
        "and cleansing (Anaconda, State of Data Science 2020)",
        "Reference for calibrating the capacity model; not an input.",
        label="Data-prep share (reference)",
        fmt=Fmt.PERCENT,
    ),
)

_BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}


def param(key: str) -> Param:
    """Return the Param registered under `key`.

    Args:
        key: dotted key, e.g. "attrition_annual" or "capacity.mentoring_drag".

    Returns:
        The Param. Raises KeyError for an unknown key.
    """
    return _BY_KEY[key]


def of(field: str, role: str | None = None) -> Param:
    """The Param of a scenario field, for one role when given: "field.role" where the
    registry has one (annual_cost), else "field" (for a per-role family without a
    role: its first member, whose check every member shares)."""
    found = _BY_KEY.get(f"{field}.{role}") or _BY_KEY.get(field)
    return found or next(p for p in PARAMS if p.key.startswith(f"{field}."))


def brief_params() -> list[Param]:
    """The assumptions the brief lists, in registry order."""
    return [p for p in PARAMS if p.in_brief]


def role_columns() -> dict[str, Param]:
    """Scenario field -> its Param, for the per-role columns of the Team & data table."""
    out: dict[str, Param] = {}
    for p in PARAMS:
        if p.column:
            out.setdefault(p.key.partition(".")[0], p)
    return out


def value(key: str) -> float | int | str | bool:
    """Return the default value registered under `key`."""
    return _BY_KEY[key].value


def role_value(field: str, role: str) -> float | int:
    """Return the default of a role-keyed field: "field.role" if registered, else "field".

    Args:
        field: scenario key, e.g. "annual_cost" or "ramp_months".
        role: role key, e.g. "ml_engineer".

    Returns:
        The default for that role.
    """
    p = _BY_KEY.get(f"{field}.{role}") or _BY_KEY[field]
    return p.value  # type: ignore[return-value]


def params_table() -> list[dict[str, object]]:
    """Return every Param as a dict (key, value, unit, source, description), for display.

    Returns:
        One dict per Param, in registry order; `pandas.DataFrame(params_table())`
        renders it as a table.
    """
    shown = ("key", "value", "unit", "source", "description")
    return [{k: getattr(p, k) for k in shown} for p in PARAMS]
