"""The status-quo trend's candidates in words, for the Forecast page and the ``trend``
command's help (importing this is cheap: the CLI builds its parsers from it)."""

#: The candidates of trend.py, in words.
CANDIDATES_TEXT = (
    "a random walk with drift (ARIMA) and a linear trend, each also on a log scale, a "
    "damped-trend ETS, an AR(1) that reverts to a level (where hiring and attrition "
    "balance) and the level since the history's last shift (a team that moved once and "
    "stayed; from 24 months of history)"
)
