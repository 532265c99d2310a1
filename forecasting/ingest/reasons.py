"""Exit reasons and employment status, in the words exports use.

A reason column (termination reason, exit type, Austrittsgrund, ...) is read into five
reasons: voluntary, involuntary, retirement, layoff and other; an exit without one is
"not given". A status column (ACTIVE / TERMINATED, Aktiv / Ausgetreten, Y / N in an
"Active" column, ...) says whether a row's person had left.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The reasons, in the order the app lists them.
REASONS: tuple[str, ...] = (
    "voluntary",
    "involuntary",
    "retirement",
    "layoff",
    "other",
    "not given",
)
NOT_GIVEN = "not given"

# Checked in this order: "involuntary" before "voluntary", layoffs before dismissals.
_REASON_WORDS: tuple[tuple[str, str], ...] = (
    (
        "layoff",
        r"lay\s*-?\s*off|laid\s+off|redundan|reduction\s+in\s+force|\brif\b|restructur"
        r"|position\s+eliminated|downsiz|reorgani[sz]|betriebsbedingt|stellenabbau"
        r"|personalabbau|workforce\s+reduction|site\s+closure",
    ),
    (
        "retirement",
        r"retire|pension|\brente\b|ruhestand|altersteilzeit|altersrente",
    ),
    (
        "involuntary",
        r"involuntary|unfreiwillig|dismiss|fired|for\s+cause|\bcause\b|misconduct"
        r"|performance|terminated\s+by\s+(?:the\s+)?(?:employer|company)|employer\s+initiated"
        r"|arbeitgeberk|durch\s+(?:den\s+)?arbeitgeber|fristlos|abmahnung|probation\s+fail"
        r"|not\s+passed\s+probation",
    ),
    (
        "voluntary",
        r"voluntary|freiwillig|resign|quit|own\s+request|personal\s+reason|better\s+opportunit"
        r"|new\s+job|career|relocat|eigenk|arbeitnehmerk|durch\s+(?:den\s+)?arbeitnehmer"
        r"|employee\s+initiated|left\s+for|compensation|study|studium|family|familie",
    ),
    (
        "other",
        r"contract|befrist|death|deceased|verstorben|tod|mutual|aufhebung|transfer|other"
        r"|sonstig|end\s+of|ende",
    ),
)
_REASON_RES = tuple((reason, re.compile(words, re.IGNORECASE)) for reason, words in _REASON_WORDS)


def reason_of(text: str) -> str:
    """The reason a cell names ("Resignation" -> "voluntary"); "not given" when empty."""
    cell = str(text).strip()
    if not cell or cell.casefold() in {"-", "n/a", "na", "none", "null", "unknown", "k.a."}:
        return NOT_GIVEN
    for reason, pattern in _REASON_RES:
        if pattern.search(cell):
            return reason
    return "other"


def reasons_of(distinct: pd.Series) -> np.ndarray:
    """:func:`reason_of` of each distinct cell (an object array)."""
    return np.asarray([reason_of(v) for v in distinct], dtype=object)


_LEFT = {
    "terminated",
    "termed",
    "term",
    "terminate",
    "inactive",
    "left",
    "leaver",
    "withdrawn",
    "separated",
    "resigned",
    "retired",
    "former",
    "exited",
    "exit",
    "deceased",
    "ausgetreten",
    "ausgeschieden",
    "inaktiv",
    "beendet",
    "gekündigt",
    "gekundigt",
    "t",
    "i",
    "x",
}
_ACTIVE = {
    "active",
    "aktiv",
    "a",
    "employed",
    "current",
    "onleave",
    "leaveofabsence",
    "loa",
    "paidleave",
    "unpaidleave",
    "suspended",
    "parentalleave",
    "elternzeit",
    "l",
    "p",
    "s",
    "e",
    "c",
    "fulltime",
    "parttime",
    "beschäftigt",
    "ruhend",
}
_YES = {"y", "yes", "true", "1", "ja", "j", "wahr"}
_NO = {"n", "no", "false", "0", "nein", "falsch"}


def status_left(distinct: pd.Series, header: str) -> tuple[np.ndarray, list[str]]:
    """Which distinct status cells mean the person had left, and the cells not understood.

    A yes/no column named like "Active" reads "no" as left. Empty cells and values not
    understood (listed, to be named in a warning) are read as employed.
    """
    flag = re.sub(r"[^a-z]", "", header.casefold()) in {"active", "isactive", "aktiv"}
    left = np.zeros(len(distinct), dtype=bool)
    unknown: list[str] = []
    for i, value in enumerate(distinct):
        key = re.sub(r"[\s_\-./]", "", str(value).strip().casefold())
        if not key:
            continue
        if flag and key in _NO:
            left[i] = True
        elif flag and key in _YES:
            continue
        elif key in _LEFT or key.startswith(("term", "inactiv", "separat", "austr", "ausgesch")):
            left[i] = True
        elif key not in _ACTIVE:
            unknown.append(str(value))
    return left, unknown
