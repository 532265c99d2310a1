"""Workforce engine for ML teams: scenarios, Monte Carlo projections, hiring-path
solver, capacity model, estimation from history and CSV ingest.

Pure Python: never imports streamlit or altair. Importing this package is cheap;
statsmodels and pandas are imported only by the modules that need them.
"""

from forecasting.model.errors import (
    EstimationError,
    IngestError,
    PlannerError,
    ScenarioError,
    SolverError,
)
from forecasting.model.roles import OTHER, ROLE_KEYS, ROLES, Role

__all__ = [
    "OTHER",
    "ROLES",
    "ROLE_KEYS",
    "EstimationError",
    "IngestError",
    "PlannerError",
    "Role",
    "ScenarioError",
    "SolverError",
]
