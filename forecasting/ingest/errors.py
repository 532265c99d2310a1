"""Refusals that a reading choice fixes, said in the app's words with the command line's
equivalent beside them.

An ingest message is shown by the app (Team & data) and printed by the CLI. It names
the fix the way the app offers it ("choose it under Column mapping"); a refusal that a
choice fixes carries the command-line spelling too, which the CLI adds to the message
(forecasting/cli/ingest.py) and the app never shows.
"""

from __future__ import annotations

from forecasting.model.errors import IngestError

#: Where the app offers each choice (Team & data, under the drop zone).
COLUMN_MAPPING = "Column mapping"
READING_OPTIONS = "Reading options"


class ChoiceNeeded(IngestError):
    """A file a reading choice would read: ``command_line`` says the choice for the CLI."""

    def __init__(self, message: str, command_line: str) -> None:
        super().__init__(message)
        self.command_line = command_line
