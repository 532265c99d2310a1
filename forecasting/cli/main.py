"""Command line: ``python -m forecasting plan|solve|sensitivity|ingest|backtest|trend ...``; JSON.

A thin adapter over the library: read the scenario file, call `simulate` or
`solve`, print JSON on stdout. Every expected problem (missing file, invalid
JSON, invalid scenario, infeasible target) prints one line ``error: ...`` on
stderr and exits with status 2, without a traceback.

Start-up time matters for `plan`: this module imports only the standard
library and the engine (numpy, through the strategies' module) at the top;
pandas and statsmodels never (the `ingest`, `backtest` and `trend` subcommands,
from forecasting/cli/, are only imported when one may be the command asked for).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from forecasting.model.errors import PlannerError
from forecasting.plan.schedule import Strategy

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.model.scenario import Scenario

EXIT_USAGE = 2
ENGINE_COMMANDS = ("plan", "solve", "sensitivity")
STRATEGIES = tuple(s.value for s in Strategy)  # the solver's, in its order
#: `solve --budget` with no USD: the scenario file's own `budget_annual`.
_FILE_BUDGET: Any = object()


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one line ``error: ...`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario", metavar="SCENARIO.json", help="scenario file (docs/scenario-format.md)"
    )
    p.add_argument("--paths", type=int, default=None, help="override the scenario's paths")
    p.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    p.add_argument("--indent", type=int, default=None, help="pretty-print JSON with this indent")


def build_parser(*, with_ingest: bool = True) -> argparse.ArgumentParser:
    """Build the argument parser.

    Args:
        with_ingest: also register the `ingest` subcommand from
            forecasting/cli/ingest.py, when that module exists.

    Returns:
        The parser; each subcommand sets `func` (args -> exit status).
    """
    parser = _Parser(
        prog="python -m forecasting",
        description="Workforce engine for ML teams: project a scenario, solve a hiring plan.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    plan = sub.add_parser("plan", help="Monte Carlo projection of a scenario (JSON on stdout)")
    _add_engine_options(plan)
    plan.set_defaults(func=run_plan)

    solve = sub.add_parser(
        "solve", help="fewest new ML engineer positions (or starts) reaching the scenario's target"
    )
    _add_engine_options(solve)
    solve.add_argument("--strategy", choices=STRATEGIES, default="even", help="default: even")
    solve.add_argument(
        "--budget",
        type=float,
        nargs="?",
        const=_FILE_BUDGET,
        default=None,
        metavar="USD",
        help="what a yearly budget for added ML engineers buys: the most positions whose "
        "run-rate fits it, the best ratio reachable by the deadline with the scenario's "
        "confidence and P(today's target); without USD, the file's budget_annual",
    )
    solve.set_defaults(func=run_solve)

    sens = sub.add_parser(
        "sensitivity",
        help="which assumption moves the answer most: each one at its low and high value",
    )
    _add_engine_options(sens)
    sens.add_argument(
        "--strategy", choices=STRATEGIES, default="even", help="shape of the re-solves"
    )
    sens.set_defaults(func=run_sensitivity)

    if with_ingest:  # cli/ingest.py imports nothing heavy, but `plan` need not even parse it
        from forecasting.cli import backtest as cli_backtest
        from forecasting.cli import ingest as cli_ingest
        from forecasting.cli import trend as cli_trend

        cli_ingest.add_parser(sub)  # sets func=cli_ingest.run
        cli_backtest.add_parser(sub)  # sets func=cli_backtest.run
        cli_trend.add_parser(sub)  # sets func=cli_trend.run
    return parser


def _load(args: argparse.Namespace) -> Scenario:
    """Read and validate the scenario file, applying --paths / --seed."""
    from forecasting.model.scenario import Scenario

    try:
        with open(args.scenario, "rb") as fh:
            text = fh.read()
    except OSError as e:
        raise PlannerError(f"cannot read {args.scenario}: {e.strerror or e}") from None
    scenario = Scenario.from_json(text)
    changes: dict[str, Any] = {}
    if args.paths is not None:
        changes["paths"] = args.paths
    if args.seed is not None:
        changes["seed"] = args.seed
    return scenario.replace(**changes) if changes else scenario


def _print_json(data: dict[str, Any], indent: int | None) -> None:
    sys.stdout.write(json.dumps(data, indent=indent, allow_nan=False) + "\n")


def _emit(args: argparse.Namespace, answer: Callable[[Any], dict[str, Any]]) -> int:
    """Load the scenario (with --paths / --seed), print `answer(scenario)` as JSON; 0."""
    _print_json(answer(_load(args)), args.indent)
    return 0


def run_plan(args: argparse.Namespace) -> int:
    """`plan`: project the scenario and print the projection JSON (exact probabilities
    where the model's chains allow)."""
    from forecasting.simulate.project import project

    return _emit(args, lambda sc: project(sc).to_json_dict())


def run_solve(args: argparse.Namespace) -> int:
    """`solve`: the fewest new ML engineer positions (or starts) reaching the target; with
    --budget, what that yearly budget buys instead."""
    if args.budget is not None:
        from forecasting.plan.budget import solve_budget

        def bought(sc: Any) -> dict[str, Any]:
            usd = args.budget
            if usd is _FILE_BUDGET:
                if sc.budget_annual is None:
                    raise PlannerError(
                        f"{args.scenario} has no budget_annual: give --budget USD, "
                        "e.g. --budget 700000"
                    )
                usd = sc.budget_annual
            return solve_budget(sc, usd, args.strategy).to_json_dict()

        return _emit(args, bought)
    from forecasting.plan.solver import solve
    from forecasting.plan.team import solve_team

    def answer(sc: Any) -> dict[str, Any]:
        plan = solve(sc, args.strategy)
        out = plan.to_json_dict()
        team = solve_team(plan.scenario, args.strategy)  # the team-shape targets, if any
        if team is not None:
            out["team"] = team.to_json_dict()
            out["scenario"] = team.scenario.to_dict()
        return out

    return _emit(args, answer)


def run_sensitivity(args: argparse.Namespace) -> int:
    """`sensitivity`: each assumption at its low and high value; the rows as JSON."""
    from forecasting.plan.sensitivity import sensitivity

    return _emit(args, lambda sc: sensitivity(sc, args.strategy).to_json_dict())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: arguments without the program name (default: sys.argv[1:]).

    Returns:
        Exit status: 0 on success, 2 on bad input (one line ``error: ...`` on stderr).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(with_ingest=first not in ENGINE_COMMANDS)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PlannerError as e:
        message = " ".join(str(e).split())  # one line, whatever the message
        sys.stderr.write(f"error: {message}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
