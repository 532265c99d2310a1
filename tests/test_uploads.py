"""ui/uploads.py (AppTest on the Team & data page): the upload panel says over which
leavers window a roster's attrition was counted, and takes "Leavers recorded since"."""

from __future__ import annotations

from tests import helpers
from ui import state

#: The small roster plus a data engineer who left on 2024-09-30.
ROSTER = helpers.ROSTER + b"E7,Data Engineer,2022-02-01,2024-09-30\n"
SINCE = "Leavers recorded since (YYYY-MM-DD)"


def upload(at, data: bytes = ROSTER):
    at.file_uploader(key="team_upload").set_value(("roster.csv", data, "text/csv"))
    return at.run()


def plain(text: str) -> str:
    """Shown Markdown without its escapes (backslashes, word joiners)."""
    return text.replace("\\", "").replace("\u2060", "")


def captions(at) -> list[str]:
    return [plain(c.value) for c in at.caption]


def test_the_leavers_input_sits_next_to_the_as_of_date(app):
    at = app("team")
    labels = [t.label for t in at.text_input]
    assert SINCE in labels
    assert labels.index(SINCE) == labels.index("As-of date (YYYY-MM-DD)") + 1


def test_a_roster_upload_says_which_window_its_attrition_was_counted_over(app, ui):
    at = upload(app("team"))
    assert ui.problems(at) == []
    window = [c for c in captions(at) if c.startswith("Attrition is exits per person-month")]
    assert len(window) == 1
    assert "from 2024-06-30 (its earliest end date" in window[0]
    assert "1 exit in" in window[0]  # the data engineer's; the first leaver dates the window


def test_giving_leavers_since_rereads_the_upload_with_that_window(app, ui):
    at = upload(app("team"))
    at.text_input(key="upload_leavers_since").set_value("2023-01-01").run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_UPLOAD].result.leavers_since.isoformat() == "2023-01-01"
    assert any(
        "leavers recorded since 2023-01-01 (as given)" in c and "2 exits in" in c
        for c in captions(at)
    )


def test_a_bad_leavers_since_date_is_an_error_that_changes_nothing(app, ui):
    at = upload(app("team"))
    at.text_input(key="upload_leavers_since").set_value("2030-01-01").run()
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and "is after the as-of date" in errors[0]
    assert "nothing was changed" in errors[0]
    assert at.session_state[state.KEY_UPLOAD].result.leavers_since.isoformat() == "2024-06-30"


def test_a_hundred_thousand_distinct_titles_are_listed_in_a_capped_view():
    """The review: 100,000 distinct titles made an 8 MB page and an info box of 3.3 million
    characters."""
    from ui.uploads import MAX_UNMAPPED_LISTED, unmapped_text

    unmapped = {f"Title {i}": 1 + (i == 7) for i in range(100_000)}
    text = unmapped_text(unmapped)
    assert len(text) < 2_000
    assert text.index("Title 7") < text.index("Title 0")  # the most common first
    assert f"and {100_000 - MAX_UNMAPPED_LISTED:,} more titles" in text
