"""formatting: one way to write money, shares, points, ratios, months and role labels."""

from __future__ import annotations

import math

import pytest

from forecasting.model import formatting as f


@pytest.mark.parametrize(
    ("x", "signed", "text"),
    [
        (1_400_000, False, "$1.4M"),
        (850_000, False, "$850k"),
        (900, False, "$900"),
        (-5_600_000, False, "\u2212$5.6M"),  # was "$-5.6M" on the Overview
        (490_500, True, "+$490k"),
        (0, True, "$0"),
        (math.nan, False, "n/a"),
    ],
)
def test_money(x, signed, text):
    assert f.money(x, signed=signed) == text


def test_shares_and_points_use_one_word_and_one_minus_sign():
    assert f.percent(0.8) == "80%"
    assert f.points(0.05) == "+5 pts"
    assert (
        f.points(-0.02) == "\u22122 pts"
    )  # Compare's chart said "pp" and "−", its table "pts" and "-"
    assert f.points(0.0) == "0 pts"


def test_ratios_and_months():
    assert f.ratio_text(6) == "1:6"
    assert f.ratio_text(7.25) == "1:7.2"
    assert f.ratio_text(math.inf) == "no ML engineers"
    assert f.k_text(6.0) == "6" and f.k_text(6.5) == "6.5"
    assert f.month_name("2028-06") == "Jun 2028"


def test_role_labels_come_from_the_roles():
    assert f.role_label("ml_engineer") == "ML engineer"
    assert f.role_label("other") == "other"
