"""ui/uploads.py (AppTest on the Team & data page): the upload panel says over which
leavers window a roster's attrition was counted, and takes "Leavers recorded since"."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecasting.model.roles import ROLE_KEYS
from tests import helpers
from ui import state

#: The small roster plus a data engineer who left on 2024-09-30.
ROSTER = helpers.ROSTER + b"E7,Data Engineer,2022-02-01,2024-09-30\n"
SINCE = "Leavers recorded since (YYYY-MM-DD)"
TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"


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


@pytest.mark.slow
def test_a_roster_upload_says_which_window_its_attrition_was_counted_over(app, ui):
    at = upload(app("team"))
    assert ui.problems(at) == []
    window = [c for c in captions(at) if c.startswith("Attrition is exits per person-month")]
    assert len(window) == 1
    assert "from 2024-06-30 (its earliest end date" in window[0]
    assert "1 exit in" in window[0]  # the data engineer's; the first leaver dates the window


@pytest.mark.slow
def test_giving_leavers_since_rereads_the_upload_with_that_window(app, ui):
    at = upload(app("team"))
    at.text_input(key="upload_leavers_since").set_value("2023-01-01").run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_UPLOAD].result.leavers_since.isoformat() == "2023-01-01"
    assert any(
        "leavers recorded since 2023-01-01 (as given)" in c and "2 exits in" in c
        for c in captions(at)
    )


@pytest.mark.slow
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


# --------------------------------------------------------------------------- the as-of date
AS_OF = "As-of date (YYYY-MM-DD)"


def markdown(at) -> list[str]:
    """Shown Markdown as read: no escapes, no bold marks."""
    return [plain(m.value).replace("**", "") for m in at.markdown]


def result(at):
    return at.session_state[state.KEY_UPLOAD].result


@pytest.mark.slow
def test_the_as_of_date_of_an_upload_is_shown_with_where_it_came_from(app, ui):
    at = upload(app("team"))
    assert ui.problems(at) == []
    assert any(
        m.startswith("Headcount as of 30 Sep 2024 (the latest date in the file")
        and "starts the plan in Oct 2024" in m
        for m in markdown(at)
    )
    as_of = next(t for t in at.text_input if t.label == AS_OF)
    assert as_of.value == "" and as_of.placeholder == "2024-09-30 (the latest date in the file)"


@pytest.mark.slow
def test_a_typed_as_of_date_rereads_the_upload_on_that_day(app, ui):
    at = upload(app("team"))
    at.text_input(key="upload_as_of").set_value("2024-01-31").run()
    assert ui.problems(at) == []
    assert result(at).as_of.isoformat() == "2024-01-31"
    # On 31 Jan 2024 the two leavers were still there; E5 had just started.
    assert [result(at).headcount[k] for k in ROLE_KEYS] == [2, 4, 1, 0]
    assert any(
        m.startswith("Headcount as of 31 Jan 2024 (as typed") and "plan in Feb 2024" in m
        for m in markdown(at)
    )
    ui.button(at, "Use this team in the scenario").click().run()
    scenario = at.session_state[state.KEY_BASE]
    assert scenario.headcount == (2, 4, 1, 0) and scenario.start_month == "2024-02"


@pytest.mark.slow
def test_a_bad_as_of_date_is_an_error_that_keeps_the_upload_and_is_not_reread(app, monkeypatch):
    from ui import uploads

    at = upload(app("team"))
    calls = []
    real = uploads.ingest_bytes
    monkeypatch.setattr(
        uploads, "ingest_bytes", lambda *a, **k: calls.append(k["as_of"]) or real(*a, **k)
    )
    at.text_input(key="upload_as_of").set_value("31/01/2024").run()
    assert not at.exception
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and "is not a date" in errors[0] and "nothing was changed" in errors[0]
    assert result(at).as_of.isoformat() == "2024-09-30"
    at.run()  # any other rerun: the refused read is not parsed again, its error still shown
    assert calls == ["31/01/2024"]
    assert len(at.error) == 1


# --------------------------------------------------------------------------- what counts mean


@pytest.mark.slow
def test_the_summary_says_a_historys_counts_leave_out_the_months_leavers(app):
    data = (TEMPLATES / "history.csv").read_bytes()
    at = upload(app("team"), data)
    text = " ".join(markdown(at))
    assert (
        "Column “headcount” counts the people employed at the end of each month: people who "
        "left during a month are not in it; they are counted in column “exits”"
    ) in text


@pytest.mark.slow
def test_the_summary_says_a_snapshots_count_has_no_leavers(app):
    at = upload(app("team"), (TEMPLATES / "snapshot.csv").read_bytes())
    text = " ".join(markdown(at))
    assert "Column “count” counts the people employed on the file's date: leavers are not" in text
    assert "The file gives no date" in text
    assert not [e for e in at.data_editor if e.key.startswith("map_editor")]  # role keys only


@pytest.mark.slow
def test_the_summary_says_which_roster_rows_are_leavers(app):
    at = upload(app("team"))
    assert any(
        "rows with an end date on or before the as-of date are leavers" in m for m in markdown(at)
    )


# --------------------------------------------------------------------------- title -> role
#: The roster plus two research scientists (the alias table maps them to data scientists)
#: and an intern (no alias: Other).
TITLED = ROSTER + (
    b"E8,Research Scientist,2023-02-01,\nE9,Research Scientist,2024-02-01,\n"
    b"E10,[Intern](http://example.invalid),2024-03-01,\n"
)


def map_editor(at):
    found = [e for e in at.data_editor if e.key.startswith("map_editor")]
    assert len(found) == 1
    return found[0]


@pytest.mark.slow
def test_titles_mapped_by_the_alias_table_are_listed_under_their_role_label(app, ui):
    at = upload(app("team"), TITLED)
    assert ui.problems(at) == []
    table = map_editor(at).value
    row = table[table["title"] == "Research Scientist"].iloc[0]
    assert (row["role"], row["count"], row["matched by"]) == ("Data scientist", 2, "alias table")
    assert set(table["role"]) <= {
        "Data engineer",
        "Data scientist",
        "ML engineer",
        "Product manager",
        "Other (not in the ratio)",
    }
    by_role = next(m for m in at.markdown if "**Data scientist**:" in m.value).value
    lines = dict(line.split(":", 1) for line in plain(by_role).splitlines())
    assert "Research Scientist (2)" in lines["- **Data scientist**"]
    assert "Data Scientist (3)" in lines["- **Data scientist**"]
    # A title from the file is shown as text, never as a link.
    assert "\\[Intern\\]\\(http" in by_role and "](http" not in by_role
    assert "[Intern](http://example.invalid) (1)" in lines["- **Other (not in the ratio)**"]


@pytest.mark.slow
def test_picking_another_role_for_a_title_rereads_the_file(app, ui):
    at = upload(app("team"), TITLED)
    editor = map_editor(at)
    row = int(editor.value.index[editor.value["title"] == "Research Scientist"][0])
    ui.edit_table(at, "map_editor", {row: {"role": "ML engineer"}})
    assert ui.problems(at) == []
    assert [result(at).headcount[k] for k in ROLE_KEYS] == [1, 3, 3, 0]
    table = map_editor(at).value
    assert table.loc[row, "role"] == "ML engineer" and table.loc[row, "matched by"] == "you"


@pytest.mark.slow
def test_two_title_picks_in_a_row_both_land(app, ui):
    """Like the team table, the mapping editor stays mounted: the second pick arrives under
    the editor the first one was made in."""
    at = upload(app("team"), TITLED)
    key = map_editor(at).key
    titles = list(map_editor(at).value["title"])
    research, intern = (
        titles.index("Research Scientist"),
        titles.index("[Intern](http://example.invalid)"),
    )
    first = {research: {"role": "ML engineer"}}
    at.session_state[key] = {"edited_rows": first, "added_rows": [], "deleted_rows": []}
    at.run()
    both = {**first, intern: {"role": "Data engineer"}}
    at.session_state[key] = {"edited_rows": both, "added_rows": [], "deleted_rows": []}
    at.run()
    assert ui.problems(at) == []
    assert [result(at).headcount[k] for k in ROLE_KEYS] == [2, 3, 3, 0]
    assert result(at).headcount["other"] == 0
