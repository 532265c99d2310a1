"""Named exceptions. Domain code raises these; the UI and CLI render the message.

Every message says what is wrong and how to fix it, in one line.
"""

from __future__ import annotations


class PlannerError(ValueError):
    """Base class for every expected, user-fixable problem."""


class ScenarioError(PlannerError):
    """A scenario (file, dict or UI state) is invalid."""


class IngestError(PlannerError):
    """An uploaded file cannot be read; the message names the line/column."""


class EstimationError(PlannerError):
    """History is unusable for estimation (too short, inconsistent, ...)."""


class SolverError(PlannerError):
    """No hiring schedule within the constraints reaches the target."""
