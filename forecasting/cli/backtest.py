"""``python -m forecasting backtest FILE [--months 12]``: how far to trust the model on
your own data, as JSON.

Reads FILE as ``ingest`` does (the same reading options and mapping file), re-runs the
model from ``--months`` before the as-of date with rates estimated only from the months
before that point and the hires that happened taken as given, and prints per role and
month the actual value, the P10-P90 interval, hit or miss, and the coverage
(forecasting/plan/backtest.py). Importing this module is cheap.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``backtest`` subcommand to an argparse subparsers object.

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The ``backtest`` parser (its default ``func`` is :func:`run`).
    """
    from forecasting.cli.ingest import add_upload_parser

    parser = add_upload_parser(
        subparsers,
        "backtest",
        summary="re-run the model from 12 months before the file's as-of date and compare "
        "with what happened (JSON)",
        description=(
            "Backtest on your own data: rates from the history before the origin, the hires "
            "that happened taken as given; per role and month the actual headcount and exits, "
            "the P10-P90 interval, hit or miss, and the coverage."
        ),
        run=run,
    )
    parser.add_argument(
        "--months",
        type=int,
        default=12,
        metavar="N",
        help="months to re-run before the as-of date (default 12; needs N + 12 months of "
        "history in which the file lists leavers)",
    )
    parser.add_argument("--paths", type=int, default=2000, help="Monte Carlo paths")
    parser.add_argument("--seed", type=int, default=0, help="Monte Carlo seed")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the ``backtest`` subcommand: print the backtest as JSON to stdout.

    Returns:
        0 on success; bad input raises PlannerError (printed as ``error: ...``, exit 2).
    """
    from forecasting.cli.ingest import print_json, read_upload
    from forecasting.plan.backtest import backtest_upload

    result = read_upload(args, estimate=False)
    backtest = backtest_upload(result, months=args.months, paths=args.paths, seed=args.seed)
    payload = {
        "file": str(args.file),
        "kind": str(result.kind),
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "as_of_source": result.as_of_source,
        **backtest.to_json_dict(),
        "warnings": list(result.warnings),
    }
    print_json(payload)
    return 0
