"""Delimited text as LMSs read and write it: UTF-8 with or without BOM, or UTF-16; comma, semicolon or tab.

A roster read with :func:`read_table` is written back by :meth:`Table.to_bytes` with the same encoding, BOM,
separator and line ending, so that an LMS sees its own file with only the scores changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
UTF16LE_BOM = b"\xff\xfe"
UTF16BE_BOM = b"\xfe\xff"


@dataclass
class Table:
    """A delimited text file kept as text cells, with the details needed to write it back the same way."""

    rows: list[list[str]]
    delimiter: str = ","
    encoding: str = "utf-8"
    """``utf-8`` or ``utf-16`` (written little-endian with a BOM)."""
    bom: bool = False
    lineterminator: str = "\r\n"

    def to_bytes(self, *, quote_all: bool = False) -> bytes:
        return encode_rows(
            self.rows,
            delimiter=self.delimiter,
            encoding=self.encoding,
            bom=self.bom,
            lineterminator=self.lineterminator,
            quote_all=quote_all,
        )


def encode_rows(
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    lineterminator: str = "\r\n",
    quote_all: bool = False,
) -> bytes:
    """Write rows as delimited text in the exact encoding an LMS expects."""
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting).writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16":
        return UTF16LE_BOM + text.encode("utf-16-le")
    return (UTF8_BOM if bom else b"") + text.encode("utf-8")


def decode(data: bytes, source: str) -> tuple[str, str, bool]:
    """``(text, encoding, had_bom)``: UTF-16 by its BOM, else UTF-8 with or without BOM."""
    if data.startswith((UTF16LE_BOM, UTF16BE_BOM)):
        return data.decode("utf-16"), "utf-16", True
    bom = data.startswith(UTF8_BOM)
    try:
        return data[len(UTF8_BOM) if bom else 0 :].decode("utf-8"), "utf-8", bom
    except UnicodeDecodeError as exc:
        raise ValueError(f"{source} is neither UTF-8 nor UTF-16 ({exc.reason} at byte {exc.start})") from None


def _sniff_delimiter(first_line: str) -> str:
    """The separator that splits the header into the most cells; a comma wins a tie."""
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_table(path: Path) -> Table:
    """Read an LMS-exported roster (comma, semicolon or tab separated; UTF-8 or UTF-16)."""
    text, encoding, bom = decode(Path(path).read_bytes(), str(path))
    if not text.strip():
        raise ValueError(f"roster {path} is empty")
    delimiter = _sniff_delimiter(text.splitlines()[0])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    ending = "\r\n" if "\r\n" in text else "\n"
    return Table(rows, delimiter, encoding, bom, ending)
