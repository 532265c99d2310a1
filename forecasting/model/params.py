"""Every default of the engine in one place: value, unit and where it comes from.

Scenario defaults, capacity-model parameters and the public reference figures
they are calibrated against all live in `PARAMS`. The UI renders `params_table()`;
`forecasting.model.scenario` reads its defaults through `value()` / `role_value()`.

Sources marked "public figure" are claims the app quotes as such (see
PRODUCT.md); "assumption" marks a choice of this project that the user should
review and edit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Param:
    """One documented default.

    Attributes:
        key: dotted scenario key, e.g. "attrition_annual" (all roles) or
            "annual_cost.ml_engineer" (one role) or "capacity.mentoring_drag".
        value: the default value.
        unit: unit of `value`, in words.
        source: where the number comes from ("public figure: ..." or "assumption: ...").
        description: what the parameter means in the model.
    """

    key: str
    value: float | int | str | bool
    unit: str
    source: str
    description: str


_ASSUMPTION = "assumption (this project); review and edit"

PARAMS: tuple[Param, ...] = (
    # --- simulation set-up --------------------------------------------------
    Param(
        "horizon_months",
        36,
        "months",
        _ASSUMPTION,
        "How many months ahead the projection runs (1..120).",
    ),
    Param(
        "paths",
        2000,
        "simulated paths",
        _ASSUMPTION + "; P10/P90 are stable to about one person at this size",
        "Monte Carlo paths (100..100000).",
    ),
    Param("seed", 1, "integer", _ASSUMPTION, "Random seed; the same seed gives the same result."),
    Param(
        "start_month",
        "current month",
        "YYYY-MM",
        _ASSUMPTION,
        "Label of month 0, the month whose headcount is given.",
    ),
    # --- flows ----------------------------------------------------------------
    Param(
        "attrition_annual",
        0.13,
        "share of the role leaving per year",
        "public figure: software/tech turnover about 13% a year (LinkedIn, 2018)",
        "Annual attrition per role; monthly exit probability is 1 - (1 - annual)^(1/12).",
    ),
    Param(
        "reskill_annual",
        0.0,
        "share of data scientists per year",
        _ASSUMPTION + ": no internal moves unless planned",
        "Data scientists moving to ML engineer (reskilling), as an annual rate.",
    ),
    Param(
        "reskill_months",
        0,
        "months",
        _ASSUMPTION + ": a move is immediate unless a programme length is given",
        "Months a reskilled data scientist spends in training before counting as an ML "
        "engineer; meanwhile half their time still goes to data science.",
    ),
    Param(
        "reskill_cost",
        0.0,
        "USD per person",
        _ASSUMPTION + ": no programme cost unless given",
        "One-off cost of reskilling one data scientist (course, mentoring time), paid when "
        "they start training.",
    ),
    Param(
        "fill_rate",
        1.0,
        "probability per planned start",
        _ASSUMPTION + ": planned starts are signed offers; use offer_acceptance for open offers",
        "Probability that each planned start (and open requisition) actually joins.",
    ),
    Param(
        "offer_acceptance",
        0.84,
        "share of offers accepted",
        "public figure: US offer-acceptance rate about 84% (2022)",
        "Reference value for fill_rate when planned starts are offers, not signed hires.",
    ),
    Param(
        "time_to_fill_months",
        2,
        "months",
        "public figure: data-science postings stay open about 45 days (IBM/Burning Glass, "
        "2017), rounded up to whole months",
        "Months from opening a requisition to the start; the solver adds no new start "
        "earlier, and open requisitions join at the end of this month.",
    ),
    Param(
        "max_starts_per_month",
        3,
        "starts per month, per role",
        _ASSUMPTION + ": recruiting and onboarding throughput",
        "Most starts of one role the solver may schedule in one month.",
    ),
    Param(
        "ramp_months",
        6,
        "months",
        "public figure: ramp to full productivity takes 3-9 months; midpoint",
        "A new hire's productivity rises linearly from 0 to 1 over this many months.",
    ),
    # --- cost (US 2023 medians: base salary, not fully loaded) --------------
    Param(
        "annual_cost.data_engineer",
        145_000,
        "USD per person per year",
        "public figure: US 2023 median salary, data engineer (base, not fully loaded)",
        "Annual cost of one data engineer.",
    ),
    Param(
        "annual_cost.data_scientist",
        154_000,
        "USD per person per year",
        "public figure: US 2023 median salary, data scientist (base, not fully loaded)",
        "Annual cost of one data scientist.",
    ),
    Param(
        "annual_cost.ml_engineer",
        165_000,
        "USD per person per year",
        "public figure: US 2023 median salary, ML engineer (base, not fully loaded)",
        "Annual cost of one ML engineer.",
    ),
    Param(
        "annual_cost.product_manager",
        150_000,
        "USD per person per year",
        _ASSUMPTION + ": no cited figure; set your own",
        "Annual cost of one product manager.",
    ),
    # --- target ---------------------------------------------------------------
    Param(
        "target.ds_per_mle",
        8.0,
        "data scientists per ML engineer (the k in 1:k)",
        _ASSUMPTION + ", inside the 1:5-1:10 band (Gartner, as reported)",
        "Target ratio: at most k data scientists per ML engineer.",
    ),
    Param(
        "target.deadline_month",
        18,
        "months after the start (capped at the horizon)",
        _ASSUMPTION,
        "Month index by which the target ratio must be reached.",
    ),
    Param(
        "target.confidence",
        0.8,
        "probability",
        _ASSUMPTION,
        "Required probability of meeting (or holding) the target.",
    ),
    Param(
        "target.hold",
        False,
        "true/false",
        _ASSUMPTION,
        "If true, the ratio must stay within target from the deadline to the horizon.",
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
    ),
    Param(
        "capacity.ds_floor_share",
        0.20,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated with the two gaps so that a 1:10 team with one data "
        "engineer per 5 data scientists spends 44.5% (Anaconda 2020: about 45%)",
        "Engineering/data-prep share of data-scientist time even with full support.",
    ),
    Param(
        "capacity.ds_engineering_gap",
        0.35,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated, see capacity.ds_floor_share",
        "Extra share of data-scientist time on engineering when ML engineer coverage is 0.",
    ),
    Param(
        "capacity.ds_data_prep_gap",
        0.35,
        "share of data-scientist time",
        _ASSUMPTION + "; calibrated, see capacity.ds_floor_share",
        "Extra share of data-scientist time on data prep when data engineer coverage is 0.",
    ),
    Param(
        "capacity.ds_per_mle_supported",
        5.0,
        "data scientists per ML engineer",
        _ASSUMPTION + ": the 1:5 end of the band reported from Gartner",
        "How many data scientists one ML engineer fully supports.",
    ),
    Param(
        "capacity.ds_per_de_supported",
        4.0,
        "data scientists per data engineer",
        _ASSUMPTION,
        "How many data scientists one data engineer fully supports.",
    ),
    Param(
        "capacity.ds_per_pm_supported",
        8.0,
        "data scientists per product manager",
        _ASSUMPTION + "; 0 leaves product managers out of the delivery index",
        "How many data scientists one product manager can direct.",
    ),
    Param(
        "reference.ds_data_prep_share",
        0.45,
        "share of data-scientist time",
        "public figure: data scientists spend about 45% of their time on data loading "
        "and cleansing (Anaconda, State of Data Science 2020)",
        "Reference for calibrating the capacity model; not an input.",
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
    return [asdict(p) for p in PARAMS]
