"""The four roles the planner models, and their display names."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role key, as used in scenario files, CSV histories and outputs."""

    DATA_ENGINEER = "data_engineer"
    DATA_SCIENTIST = "data_scientist"
    ML_ENGINEER = "ml_engineer"
    PRODUCT_MANAGER = "product_manager"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


#: Canonical order: every output that lists roles uses this order.
ROLES: tuple[Role, ...] = (
    Role.DATA_ENGINEER,
    Role.DATA_SCIENTIST,
    Role.ML_ENGINEER,
    Role.PRODUCT_MANAGER,
)
ROLE_KEYS: tuple[str, ...] = tuple(r.value for r in ROLES)
#: Positions of the roles in ROLES (the role axis of every array): defined once, here.
DE, DS, MLE, PM = (
    ROLES.index(r)
    for r in (Role.DATA_ENGINEER, Role.DATA_SCIENTIST, Role.ML_ENGINEER, Role.PRODUCT_MANAGER)
)

ROLE_LABELS: dict[Role, str] = {
    Role.DATA_ENGINEER: "Data engineer",
    Role.DATA_SCIENTIST: "Data scientist",
    Role.ML_ENGINEER: "ML engineer",
    Role.PRODUCT_MANAGER: "Product manager",
}

#: Titles that map to no role are counted under this key (excluded from the ratio).
OTHER = "other"


def parse_role(value: str, *, key: str = "role") -> Role:
    """Return the Role for a role key, or raise a PlannerError naming `key`."""
    from forecasting.model.errors import ScenarioError

    try:
        return Role(str(value).strip())
    except ValueError:
        raise ScenarioError(
            f"{key}: unknown role {value!r}; use one of {', '.join(ROLE_KEYS)}"
        ) from None
