"""Delimited text as LMSs read and write it: UTF-8 with or without BOM, or UTF-16; comma, semicolon or tab.

A roster read with :func:`read_table` is written back by :meth:`Table.to_bytes` with the same encoding, BOM,
separator and line ending, so that an LMS sees its own file with only the scores changed.

Every CSV-like export is written by :func:`encode_rows`, which neutralises formulas as OWASP's "CSV Injection" page
recommends, since names and ids come from file names a student chose: a text cell that a spreadsheet would run as a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any spaces) gets a leading
``'``, and so does each such start right after a separator or line break inside a cell (where a program splitting
on another separator would start a cell); the CSV writer then quotes the cell and doubles its quotes as needed.
Numbers (``-0``, ``-3.5``, ``+1e3``) and a lone sign (Moodle's ``-`` for no grade) are no formulas and stay as they
are. The one exception is an LMS's own download written back (:meth:`Table.to_bytes`): its cells are the LMS's, and
go back exactly as they came (the LMS would store a ``'`` added to a feedback comment); the grader writes only
scores into it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
UTF16LE_BOM = b"\xff\xfe"
UTF16BE_BOM = b"\xfe\xff"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_INNER_FORMULA = re.compile(r"(?<=[,;\t\r\n])(?=[=+\-@])")


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
        """The LMS's file as it was read, with the cells changed since: its own cells are not neutralised."""
        return encode_rows(
            self.rows,
            delimiter=self.delimiter,
            encoding=self.encoding,
            bom=self.bom,
            lineterminator=self.lineterminator,
            quote_all=quote_all,
            as_read=True,
        )


def encode_rows(
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    lineterminator: str = "\r\n",
    quote_all: bool = False,
    as_read: bool = False,
) -> bytes:
    """Write rows as delimited text in the exact encoding an LMS expects, every text cell neutralised unless
    ``as_read`` (an LMS's own file written back)."""
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    writer.writerows(rows if as_read else ([neutralise(cell) for cell in row] for row in rows))
    text = buffer.getvalue()
    if encoding == "utf-16":
        return UTF16LE_BOM + text.encode("utf-16-le")
    return (UTF8_BOM if bom else b"") + text.encode("utf-8")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows and never runs: ``'`` before each formula start; numbers as they are."""
    if len(cell) <= 1 or _NUMBER.fullmatch(cell.strip()):
        return cell
    cell = _INNER_FORMULA.sub("'", cell)
    return f"'{cell}" if cell.lstrip(" ").startswith(FORMULA_STARTS) else cell


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
