"""Build data/sample_scenario.json: the scenario the app opens with, from the sample roster.

Run from the repository root after data/make_sample.py:
    python data/make_sample_scenario.py

Headcount, start month, attrition (with 90% intervals) and annual cost come from
ingesting data/sample_roster.csv exactly as an upload would be read. The team plan
is the default a team with history gets (forecasting.plan.policies.default_plan): every
role backfills its leavers and data scientists follow the status-quo projection of
the roster's monthly history (statsmodels, the model chosen by the backtest), fitted
here once so that the app's first view does not wait for it. No hand-made schedule.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forecasting.estimate.trend import status_quo_all  # noqa: E402 - after the sys.path line (run as a script)
from forecasting.ingest import ingest_bytes  # noqa: E402 - after the sys.path line (run as a script)
from forecasting.model.roles import ROLE_KEYS  # noqa: E402 - after the sys.path line (run as a script)
from forecasting.model.scenario import Scenario  # noqa: E402 - after the sys.path line (run as a script)
from forecasting.plan.policies import default_plan, hiring_pace  # noqa: E402 - after the sys.path line (run as a script)

HORIZON = 36


def build() -> Scenario:
    """The sample scenario (deterministic: no randomness beyond the roster itself)."""
    res = ingest_bytes((ROOT / "data" / "sample_roster.csv").read_bytes())
    as_of = res.as_of
    year, month = (as_of.year + 1, 1) if as_of.month == 12 else (as_of.year, as_of.month + 1)
    scenario = Scenario.from_dict(
        {
            "start_month": f"{year:04d}-{month:02d}",
            "horizon_months": HORIZON,
            "headcount": {k: res.headcount[k] for k in ROLE_KEYS},
            "attrition_annual": {k: round(res.attrition[k][0], 4) for k in res.attrition},
            "attrition_interval": {
                k: [round(lo, 4), round(hi, 4)] for k, (_, lo, hi) in res.attrition.items()
            },
            "annual_cost": {k: round(v, -2) for k, v in res.annual_cost.items()},
            "open_requisitions": {"ml_engineer": 1, "data_scientist": 1},
            # The plan a leader would adopt: reach the target and hold it (issue 19).
            "target": {"ds_per_mle": 6, "deadline_month": 18, "confidence": 0.8, "hold": True},
            "paths": 2000,
            "seed": 7,
        }
    )
    return default_plan(scenario, status_quo_all(res.history, HORIZON))


def pace() -> dict[str, dict[str, float]]:
    """The sample team's status-quo hiring pace (Poisson GLM), stored beside the scenario
    so that the Hiring plan page need not read the roster to show it."""
    res = ingest_bytes((ROOT / "data" / "sample_roster.csv").read_bytes())
    return {
        role: {
            "per_month": round(p.per_month, 4),
            "low": round(p.low, 4),
            "high": round(p.high, 4),
            "months": p.months,
        }
        for role, p in hiring_pace(res.history).items()
    }


if __name__ == "__main__":
    import json

    out = ROOT / "data" / "sample_scenario.json"
    out.write_text(build().to_json() + "\n", encoding="utf-8")
    print(f"wrote {out}")
    out = ROOT / "data" / "sample_pace.json"
    out.write_text(json.dumps(pace(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
