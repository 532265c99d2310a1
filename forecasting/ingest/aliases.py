"""Built-in job-title -> role alias table, and the mapping of a column of titles.

Matching is case-insensitive after trimming and collapsing whitespace. Seniority
words ("Senior", "Sr.", "Staff", "Principal", "Lead", "Junior", "II", "Level 3", ...)
and trailing qualifiers after a separator ("Data Scientist, Growth",
"ML Engineer - Platform", "Data Engineer (Contract)") are ignored. Role keys
themselves ("ml_engineer") map to their role, so a planner-format column works
too. Everything else maps to ``OTHER``: it is listed with its count, never dropped.

Importing this module is cheap (no pandas); :func:`map_titles` imports pandas.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_DE = "data_engineer"
_DS = "data_scientist"
_MLE = "ml_engineer"
_PM = "product_manager"

#: Built-in aliases: normalised title (lower case, single spaces, no seniority) -> role.
ALIASES: dict[str, str] = {
    # --- ML engineer ---------------------------------------------------------
    "ml engineer": _MLE,
    "machine learning engineer": _MLE,
    "mlops engineer": _MLE,
    "ml ops engineer": _MLE,
    "machine learning operations engineer": _MLE,
    "ml platform engineer": _MLE,
    "machine learning platform engineer": _MLE,
    "ml infrastructure engineer": _MLE,
    "ml infra engineer": _MLE,
    "machine learning infrastructure engineer": _MLE,
    "ml systems engineer": _MLE,
    "machine learning systems engineer": _MLE,
    "ai engineer": _MLE,
    "ai ml engineer": _MLE,
    "ml ai engineer": _MLE,
    "ai/ml engineer": _MLE,
    "ml/ai engineer": _MLE,
    "artificial intelligence engineer": _MLE,
    "deep learning engineer": _MLE,
    "computer vision engineer": _MLE,
    "nlp engineer": _MLE,
    "llm engineer": _MLE,
    "genai engineer": _MLE,
    "generative ai engineer": _MLE,
    "applied ml engineer": _MLE,
    "applied machine learning engineer": _MLE,
    "software engineer machine learning": _MLE,
    "software engineer ml": _MLE,
    "software engineer ai ml": _MLE,
    "machine learning software engineer": _MLE,
    "ml software engineer": _MLE,
    "model deployment engineer": _MLE,
    "research engineer": _MLE,
    "ml research engineer": _MLE,
    "machine learning research engineer": _MLE,
    # --- data scientist --------------------------------------------------------
    "data scientist": _DS,
    "applied scientist": _DS,
    "research scientist": _DS,
    "ml scientist": _DS,
    "machine learning scientist": _DS,
    "ai scientist": _DS,
    "decision scientist": _DS,
    "product data scientist": _DS,
    "data science": _DS,
    "data scientist machine learning": _DS,
    "quantitative analyst": _DS,
    "statistician": _DS,
    "data science specialist": _DS,
    # --- data engineer -------------------------------------------------------
    "data engineer": _DE,
    "analytics engineer": _DE,
    "bi engineer": _DE,
    "business intelligence engineer": _DE,
    "data architect": _DE,
    "data platform engineer": _DE,
    "data infrastructure engineer": _DE,
    "big data engineer": _DE,
    "etl engineer": _DE,
    "etl developer": _DE,
    "data warehouse engineer": _DE,
    "data warehouse architect": _DE,
    "cloud data engineer": _DE,
    "data integration engineer": _DE,
    "data pipeline engineer": _DE,
    "data ops engineer": _DE,
    "dataops engineer": _DE,
    "software engineer data": _DE,
    "bi developer": _DE,
    "business intelligence developer": _DE,
    "data quality engineer": _DE,
    # --- product manager -----------------------------------------------------
    "product manager": _PM,
    "technical product manager": _PM,
    "data product manager": _PM,
    "ai product manager": _PM,
    "ml product manager": _PM,
    "machine learning product manager": _PM,
    "product owner": _PM,
    "group product manager": _PM,
    "platform product manager": _PM,
    "product manager data": _PM,
    "product manager ai": _PM,
    "product manager ml": _PM,
    "product manager machine learning": _PM,
    "product manager technical": _PM,
    # --- common German titles ------------------------------------------------
    "produktmanager": _PM,
    "produktmanagerin": _PM,
    "produktverantwortlicher": _PM,
    "datenwissenschaftler": _DS,
    "datenwissenschaftlerin": _DS,
    "dateningenieur": _DE,
    "dateningenieurin": _DE,
    # --- abbreviations used in planner-style role columns --------------------
    "mle": _MLE,
    "mles": _MLE,
    "ds": _DS,
    "de": _DE,
    "pm": _PM,
    # --- the role keys themselves ("ml_engineer" normalises to "ml engineer") ---
    OTHER: OTHER,
}
for _key in ROLE_KEYS:
    ALIASES[_key.replace("_", " ")] = _key

#: Words ignored at the start of a title (seniority, level, employment status).
SENIORITY_PREFIXES: tuple[str, ...] = (
    "senior",
    "sr",
    "snr",
    "staff",
    "principal",
    "lead",
    "junior",
    "jr",
    "associate",
    "assoc",
    "entry level",
    "mid level",
    "intermediate",
    "graduate",
    "experienced",
    "distinguished",
    "expert",
    "founding",
)
#: Words ignored at the end of a title (levels, "lead").
SENIORITY_SUFFIXES: tuple[str, ...] = (
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "vi",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "lead",
    "senior",
    "sr",
    "junior",
    "jr",
    "specialist",
)

_PREFIX_RE = re.compile(
    r"^(?:(?:" + "|".join(re.escape(p) for p in SENIORITY_PREFIXES) + r")\b\s*)+"
)
_SUFFIX_RE = re.compile(
    r"(?:\s+(?:"
    + "|".join(re.escape(s) for s in SENIORITY_SUFFIXES)
    + r"|level\s*\d+|l\d+|grade\s*\d+|[ivx]+|\d+))+$"
)
# Separators that start a qualifier: " - ", ",", "(", "|", ":", "–", "—", " / ", "@".
_SEPARATOR_RE = re.compile(r"\s+[-–—/|@]\s+|[,(\[|:;–—]")
_SPACE_RE = re.compile(r"\s+")
#: How a blank title is listed in the mapping table.
BLANK_TITLE = "(blank)"
_PUNCT_RE = re.compile(r"[.'’`\"*#)\]]")


@dataclass(frozen=True, eq=False)
class TitleMapping:
    """Result of :func:`map_titles`.

    Attributes:
        roles: role key (or ``"other"``) per input title, aligned with the input.
        title_counts: DataFrame ``title, role, count`` (one row per distinct cleaned
            title, most frequent first): the editable mapping table.
        unmapped: title -> count for titles that map to ``"other"``.
    """

    roles: pd.Series
    title_counts: pd.DataFrame
    unmapped: dict[str, int]


def clean_title(title: object) -> str:
    """Return a title as displayed: trimmed, inner whitespace collapsed.

    Args:
        title: a cell value (None/NaN become "").

    Returns:
        The cleaned title; the text is otherwise unchanged (never evaluated).
    """
    if title is None or (isinstance(title, float) and title != title):
        return ""
    return _SPACE_RE.sub(" ", str(title)).strip()


def normalize_title(title: object) -> str:
    """Return the lookup key of a title: case-folded, punctuation-light, single-spaced.

    Args:
        title: a job title or role key.

    Returns:
        e.g. ``"Sr. Machine-Learning Engineer II"`` -> ``"sr machine learning engineer ii"``.
    """
    text = unicodedata.normalize("NFKC", clean_title(title)).casefold()
    text = text.replace("&", " and ").replace("_", " ")
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)  # "machine-learning", "sr-"
    return _SPACE_RE.sub(" ", text).strip()


def _strip_seniority(key: str) -> str:
    """Remove seniority prefixes and level suffixes from a normalised key."""
    key = _PUNCT_RE.sub(" ", key)
    key = _SPACE_RE.sub(" ", key).strip()
    previous = None
    while previous != key:
        previous = key
        key = _PREFIX_RE.sub("", key).strip()
        key = _SUFFIX_RE.sub("", key).strip()
    return key


def _lookup(key: str) -> str | None:
    """Look a normalised key up, with and without seniority words and plurals."""
    for candidate in (key, _strip_seniority(key)):
        if candidate in ALIASES:
            return ALIASES[candidate]
        if candidate.endswith("s") and candidate[:-1] in ALIASES:  # "data scientists"
            return ALIASES[candidate[:-1]]
    return None


def role_for_title(title: object) -> str:
    """Return the built-in role for one job title (``"other"`` when unknown).

    Args:
        title: a job title as found in an HR export, or a role key.

    Returns:
        A role key from ``ROLE_KEYS`` or ``"other"``.
    """
    key = normalize_title(title)
    if not key:
        return OTHER
    # Whole title without its separators ("Software Engineer, Machine Learning").
    whole = _SPACE_RE.sub(" ", _SEPARATOR_RE.sub(" ", key)).strip()
    role = _lookup(key) or _lookup(whole)
    if role is not None:
        return role
    # Then the part before the first separator ("Data Scientist - Growth"); never a
    # later part, so "Manager, Data Science" stays "other".
    head = _SPACE_RE.sub(" ", _SEPARATOR_RE.split(key, maxsplit=1)[0]).strip()
    return (_lookup(head) if head else None) or OTHER


def check_overrides(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a title -> role override table and key it by normalised title.

    Args:
        overrides: title -> role key or ``"other"``; None for none.

    Returns:
        normalised title -> role key.

    Raises:
        IngestError: a value is not a role key or "other".
    """
    if not overrides:
        return {}
    allowed = (*ROLE_KEYS, OTHER)
    checked: dict[str, str] = {}
    for title, role in overrides.items():
        value = str(role).strip() if role is not None else ""
        if value not in allowed:
            # Accept a role label or alias ("ML Engineer") as well as a key.
            value = role_for_title(value) if value else ""
            if value == OTHER and normalize_title(role) != OTHER:
                value = ""
        if value not in allowed:
            raise IngestError(
                f"mapping: title {clean_title(title)!r} is mapped to {role!r}, which is not "
                f"a role; use one of {', '.join(allowed)}"
            )
        checked[normalize_title(title)] = value
    return checked


def mapping_from_table(table: object) -> dict[str, str]:
    """Turn an edited mapping table (DataFrame with title, role) or a dict into a dict.

    Args:
        table: a ``Mapping`` title -> role, or a DataFrame with columns ``title`` and
            ``role`` (such as an edited ``IngestResult.title_counts``), or None.

    Returns:
        title -> role (not yet validated; see :func:`check_overrides`).
    """
    if table is None:
        return {}
    if isinstance(table, Mapping):
        return {str(k): v for k, v in table.items()}
    columns = getattr(table, "columns", None)
    if columns is not None and "title" in columns and "role" in columns:
        return {
            str(t): r
            for t, r in zip(table["title"].tolist(), table["role"].tolist())  # type: ignore[index]
        }
    raise IngestError(
        "mapping: expected a JSON object {title: role} or a table with columns title, role"
    )


def map_titles(
    titles: Iterable[object],
    overrides: Mapping[str, str] | object | None = None,
    *,
    weights: Iterable[int] | None = None,
) -> TitleMapping:
    """Map a column of job titles to role keys, counting every distinct title.

    Distinct titles are looked up once each, so a 100,000-row column with a few
    hundred distinct titles costs a few hundred lookups. Blank titles are listed
    as ``"(blank)"``.

    Args:
        titles: job titles (a pandas Series keeps its index in ``roles``).
        overrides: title -> role key (or "other"), matched case-insensitively; or a
            DataFrame with columns title, role. Overrides win over the built-in table.
        weights: people per row (e.g. a snapshot's count column); default 1 each.

    Returns:
        A :class:`TitleMapping` (roles per row, title_counts table, unmapped titles).

    Raises:
        IngestError: an override names an unknown role.
    """
    import numpy as np
    import pandas as pd

    checked = check_overrides(mapping_from_table(overrides))
    series = titles if isinstance(titles, pd.Series) else pd.Series(list(titles), dtype=object)
    raw_codes, raw_uniques = pd.factorize(series.astype(object), use_na_sentinel=False)
    cleaned = np.asarray([clean_title(u) or BLANK_TITLE for u in raw_uniques], dtype=object)
    title_codes, uniques = pd.factorize(cleaned, sort=False)
    codes = title_codes[raw_codes] if len(raw_codes) else raw_codes
    unique_titles = [str(t) for t in uniques]
    unique_roles = []
    for title in unique_titles:
        key = normalize_title(title)
        unique_roles.append(checked[key] if key in checked else role_for_title(title))
    roles = pd.Series(
        np.asarray(unique_roles, dtype=object)[codes], index=series.index, dtype=object
    )
    if weights is None:
        per_title = np.bincount(codes, minlength=len(unique_titles))
    else:
        weight = np.asarray(list(weights) if not hasattr(weights, "__array__") else weights)
        per_title = np.bincount(codes, weights=weight.astype(float), minlength=len(unique_titles))
    table = pd.DataFrame(
        {
            "title": pd.Series(unique_titles, dtype=object),
            "role": pd.Series(unique_roles, dtype=object),
            "count": np.rint(per_title).astype("int64"),
        }
    )
    table = table.sort_values(["count", "title"], ascending=[False, True], kind="stable")
    table = table.reset_index(drop=True)
    other = table[table["role"] == OTHER]
    unmapped = {str(t): int(c) for t, c in zip(other["title"], other["count"])}
    return TitleMapping(roles=roles, title_counts=table, unmapped=unmapped)
