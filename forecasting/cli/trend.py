"""``python -m forecasting trend HISTORY.csv [--months 36] [--level 0.8]``: the status-quo
headcount trend per role, as JSON.

Reads the file as ``ingest`` does (the same reading options and mapping file; a monthly
history -- month, role, headcount[, hires, exits] -- or a roster, whose monthly history is
built from it), projects every role's headcount with
`forecasting.estimate.trend.status_quo_all`, and prints per role the model chosen, its
weight among the models the backtest compared, a note, and the forecast rows (``month``,
``mean`` -- the median forecast --, ``low``, ``high``: the ``--level`` interval). Importing
this module is cheap.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``trend`` subcommand to an argparse subparsers object.

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The ``trend`` parser (its default ``func`` is :func:`run`).
    """
    from forecasting.cli.ingest import add_reading_arguments
    from forecasting.estimate.trend_text import CANDIDATES_TEXT

    parser = subparsers.add_parser(
        "trend",
        help="status-quo headcount trend per role from a monthly history (JSON)",
        description=(
            "Project each role's monthly headcount if nothing changes with statsmodels: "
            f"{CANDIDATES_TEXT}, weighted by a rolling-origin backtest whose errors 1..N "
            "months ahead calibrate the bands; per role the model chosen and the forecast "
            "(month, mean, low, high)."
        ),
    )
    add_reading_arguments(parser)
    parser.add_argument(
        "--months", type=int, default=36, metavar="N", help="months to forecast (default 36)"
    )
    parser.add_argument(
        "--level",
        type=float,
        default=0.8,
        metavar="P",
        help="interval level in (0, 1) (default 0.8: low and high are the P10 and P90)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the ``trend`` subcommand: print the projections as JSON to stdout.

    Returns:
        0 on success; bad input raises PlannerError (printed as ``error: ...``, exit 2).
    """
    from forecasting.cli.ingest import finite, read_upload
    from forecasting.estimate.trend import status_quo_all
    from forecasting.model.errors import EstimationError

    result = read_upload(args, estimate=False)
    if not len(result.history):
        raise EstimationError(
            f"{args.file} has no monthly history to project (read as a {result.kind}); give "
            "one row per month and role: month, role, headcount[, hires, exits]"
        )
    trends = status_quo_all(result.history, args.months, level=args.level)
    roles = {}
    for role, tf in trends.items():
        table = tf.backtest[tf.backtest["weight"] >= 0.0005]  # as printed: 4 decimals
        weights = dict(zip(table["model"].astype(str), table["weight"].astype(float), strict=True))
        roles[role] = {
            "model": tf.model,
            "fallback": bool(tf.fallback),
            "weights": {model: round(w, 4) for model, w in weights.items()},
            "note": tf.note,
            "forecast": [
                {
                    "month": str(row.month),
                    "mean": _round(row.mean),
                    "low": _round(row.low),
                    "high": _round(row.high),
                }
                for row in tf.forecast.itertuples(index=False)
            ],
        }
    payload = {
        "file": str(args.file),
        "kind": str(result.kind),
        "months": int(args.months),
        "level": float(args.level),
        "roles": roles,
        "warnings": list(result.warnings),
    }
    json.dump(finite(payload), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _round(value: Any) -> float:
    return round(float(value), 2)
