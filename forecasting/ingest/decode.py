"""Bytes to text: the size cap, files that are not CSV text, and the encoding.

A file over the size cap, empty, binary (a known magic number or NUL bytes) or
undecodable is refused with a message saying what it is and how to export the table.
UTF-8 (with or without BOM), UTF-16/32 with BOM and BOM-less UTF-16 are read as such;
anything else falls back to Windows-1252 (then Latin-1) with a warning.
"""

from __future__ import annotations

import re

from forecasting.model.errors import IngestError

_SAVE_AS_CSV = "open it and save or export the table as CSV (UTF-8, comma-separated)"
_EXTRACT = "extract the CSV file inside it and upload that"
_NOT_A_TABLE = "upload the CSV export of the table instead"
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook", _SAVE_AS_CSV),
    (b"PK\x05\x06", "an empty ZIP archive", _NOT_A_TABLE),
    (b"\x1f\x8b", "a gzip-compressed file", _EXTRACT),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _NOT_A_TABLE),
    (b"\xff\xd8\xff", "a JPEG image", _NOT_A_TABLE),
    (b"GIF87a", "a GIF image", _NOT_A_TABLE),
    (b"GIF89a", "a GIF image", _NOT_A_TABLE),
    (b"%PDF-", "a PDF document", _NOT_A_TABLE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook", _SAVE_AS_CSV),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _EXTRACT),
    (b"Rar!\x1a\x07", "a RAR archive", _EXTRACT),
    (b"BZh91AY&SY", "a bzip2-compressed file", _EXTRACT),
    (b"\xfd7zXZ\x00", "an xz-compressed file", _EXTRACT),
    (b"II*\x00", "a TIFF image", _NOT_A_TABLE),
    (b"MM\x00*", "a TIFF image", _NOT_A_TABLE),
    (b"SQLite format 3\x00", "an SQLite database", _SAVE_AS_CSV),
)

#: A file of only spaces, line breaks, NULs and byte-order-mark bytes is empty.
_BLANK_BYTES_RE = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf\xff\xfe]*")


def decode_bytes(data: bytes, name: str, warnings: list[str], *, max_bytes: int) -> tuple[str, str]:
    """Check size and magic bytes, then decode to text; return (text, encoding).

    Args:
        data: the file's bytes.
        name: the file name shown in messages.
        warnings: receives a note when the text is not UTF-8.
        max_bytes: the size cap (``forecasting.ingest.MAX_BYTES``).
    """
    if len(data) > max_bytes:
        raise IngestError(
            f"{name} is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
            "limit; upload only the columns and rows you need"
        )
    if _BLANK_BYTES_RE.fullmatch(data):
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    for magic, what, fix in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name} is {what}, not CSV text; {fix}")
    encoding: str | None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_without_bom(data)
    if encoding is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise IngestError(
                f"{name} contains NUL bytes (first at byte {nul}), so it is a binary file, "
                "not CSV text; export the table as CSV"
            )
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                encoding = "latin-1"
            label = "Windows-1252" if encoding == "cp1252" else "Latin-1"
            warnings.append(
                f"{name} is not UTF-8; it was read as {label} ({encoding}). If accents "
                "look wrong, save the file as 'CSV UTF-8' and upload it again"
            )
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{name} starts like {encoding.upper()} text but byte {exc.start} is not "
                f"valid {encoding.upper()}; save the file as 'CSV UTF-8' and upload it again"
            ) from None
        if "\x00" in text:
            raise IngestError(
                f"{name} contains NUL characters, so it is a binary file, not CSV text; "
                "export the table as CSV"
            )
    text = text.lstrip("\ufeff")
    if not text or text.isspace():  # not text.strip(): no copy of the text
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 text (ASCII-heavy: every other byte is NUL)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None
