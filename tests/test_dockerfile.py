"""The container recipe: its steps are the README's, and its build context holds the app.

CI has no container engine; tests/e2e/test_deploy.py runs these same steps as plain shell
commands from a copy of this build context.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dockerfile_steps(path: Path = ROOT / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per step, continuation lines joined, comments dropped."""
    steps, current = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or (not current and not line):
            continue  # Docker drops comment lines, also inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        instruction, _, args = current.strip().partition(" ")
        steps.append((instruction.upper(), args.strip()))
        current = ""
    return steps


def exec_form(args: str) -> list[str]:
    """A CMD/HEALTHCHECK CMD argument list (exec form JSON, or shell form split)."""
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def healthcheck_command(steps: list[tuple[str, str]]) -> list[str]:
    (args,) = [a for i, a in steps if i == "HEALTHCHECK"]
    cmd = args[args.index("CMD") + len("CMD") :].strip()
    return exec_form(cmd)


def readme_commands() -> list[str]:
    """The README's install-and-run command line(s), split at '&&'."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    first = block.splitlines()[0].split("#")[0]
    return [c.strip() for c in first.split("&&")]


def dockerignore_included(paths: list[str], ignore_file: Path = ROOT / ".dockerignore") -> set:
    """The paths `COPY . .` would copy, by .dockerignore rules (last match wins)."""
    rules = []
    for line in ignore_file.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((re.compile(regex), negate))

    def included(path: str) -> bool:
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        keep = True
        for regex, negate in rules:
            if any(regex.fullmatch(p) for p in prefixes):
                keep = negate
        return keep

    return {p for p in paths if included(p)}


def repo_files() -> list[str]:
    """Files of the working tree that git knows or would add (not ignored ones)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [p for p in out.splitlines() if (ROOT / p).is_file()]


STEPS = dockerfile_steps()


def test_base_image_is_python_311_slim_and_can_be_pinned_by_digest():
    assert STEPS[0] == ("ARG", "BASE_IMAGE=python:3.11-slim")
    assert STEPS[1] == ("FROM", "${BASE_IMAGE}")


def test_readme_install_command_is_the_only_install_step():
    install, run = readme_commands()
    assert install == "pip install -r requirements.txt"
    runs = [a for i, a in STEPS if i == "RUN"]
    # ... with the versions known to work pinned (constraints.txt), as CI installs them.
    assert [r for r in runs if r.startswith("pip ")] == [f"{install} -c constraints.txt"]
    # Anything else run at build time installs nothing (only the unprivileged user).
    assert all(r.startswith(("pip ", "useradd ")) for r in runs), runs


def test_requirements_are_copied_before_the_install():
    order = [(i, a) for i, a in STEPS if i in {"COPY", "RUN"}]
    assert order[0] == ("COPY", "requirements.txt constraints.txt ./")
    assert order[1] == ("RUN", "pip install -r requirements.txt -c constraints.txt")
    assert ("COPY", ". .") in order[2:]


def test_cmd_is_the_readme_run_command_on_all_interfaces():
    _, run = readme_commands()
    (cmd,) = [exec_form(a) for i, a in STEPS if i == "CMD"]
    assert cmd[: len(shlex.split(run))] == shlex.split(run) == ["python", "-m", "ui.launch"]
    flags = dict(zip(cmd[3::2], cmd[4::2]))
    assert flags["--server.address"] == "0.0.0.0"
    assert ("EXPOSE", flags["--server.port"]) in STEPS


def test_healthcheck_asks_the_streamlit_health_endpoint():
    cmd = healthcheck_command(STEPS)
    assert cmd[0] == "python"  # the slim image has no curl
    (expose,) = [a for i, a in STEPS if i == "EXPOSE"]
    assert f"http://127.0.0.1:{expose}/_stcore/health" in " ".join(cmd)


def test_image_settings_are_for_a_server():
    (env,) = [a for i, a in STEPS if i == "ENV"]
    settings = dict(pair.split("=", 1) for pair in env.split())
    assert settings["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"
    assert not [k for k in settings if "SECRET" in k]  # secrets come at run time


def test_image_runs_unprivileged():
    users = [a for i, a in STEPS if i == "USER"]
    assert users and users[-1] not in {"root", "0"}


def test_build_context_holds_the_app_and_nothing_else():
    files = repo_files()
    copied = dockerignore_included(files)
    needed = {
        "app.py",
        "requirements.txt",
        "constraints.txt",
        ".streamlit/config.toml",
        "data/sample_scenario.json",
        "data/sample_roster.csv",
    }
    needed |= {f for f in files if f.startswith(("pages/", "ui/", "forecasting/", "data/"))}
    needed = {f for f in needed if "__pycache__" not in f}
    assert needed <= copied, sorted(needed - copied)
    assert not [f for f in copied if f.startswith(("tests/", "benchmarks/", ".git", "docs/"))]
    assert not [f for f in copied if f.endswith(("secrets.toml", ".pyc"))]


@pytest.mark.parametrize(
    ("path", "copied"),
    [
        ("app.py", True),
        ("pages/plan.py", True),
        ("pages/__pycache__/plan.cpython-311.pyc", False),
        (".streamlit/config.toml", True),
        (".streamlit/secrets.toml", False),
        ("tests/test_cli.py", False),
        ("README.md", False),
    ],
)
def test_dockerignore_reading(path, copied):
    assert (path in dockerignore_included([path])) is copied
