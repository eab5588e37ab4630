"""Blackboard's names: ``{Assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}_{original}``, plus a ``.txt`` receipt
per attempt (``Name: First Last (username)``, ``Assignment: ...``, ``Date Submitted: ...``).

The receipt gives the student's name and the submission time with its zone; without one, the assignment name is
told apart from the username by what the folder's other names share.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from autograder.intake.scheme import Listing, LmsScheme, base_names
from autograder.model import Candidate, Source

log = logging.getLogger(__name__)

MAX_RECEIPT_BYTES = 256 * 1024
BLACKBOARD_NAME_TZ = UTC
"""Time zone of the timestamp in Blackboard file names, used when the receipt's date cannot be read (unconfirmed)."""

_TS = r"_attempt_(?P<ts>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)"
_NAME = re.compile(rf"^(?P<prefix>.+?){_TS}_(?P<orig>.+)$", re.S)
_RECEIPT = re.compile(rf"^(?P<prefix>.+?){_TS}\.txt$", re.S)
_STAMP_FORMAT = "%Y-%m-%d-%H-%M-%S"


@dataclass(frozen=True)
class _Receipt:
    username: str | None
    name: str | None
    assignment: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class _Folder:
    """What a folder's receipts and names say about the attempts in it."""

    receipts: Mapping[tuple[str, str], _Receipt]
    """Receipts by (``{Assignment}_{username}`` prefix, timestamp)."""
    assignments: tuple[str, ...]
    """Assignment names, to split a prefix into assignment and username."""


def identify(path: Path, name: str, folder: _Folder) -> Candidate | None:
    """An attempt's file, its student and time from the receipt when there is one."""
    match = _name_match(name)
    if match is None:
        return None
    prefix, stamp = match["prefix"], match["ts"]
    receipt = folder.receipts.get((prefix, stamp))
    username = _username(prefix, receipt, folder.assignments)
    when = receipt.submitted_at if receipt and receipt.submitted_at else None
    if when is None:
        when = datetime.strptime(stamp, _STAMP_FORMAT).replace(tzinfo=BLACKBOARD_NAME_TZ)
    display = receipt.name if receipt and receipt.username == username else None
    aliases = () if receipt and receipt.username == username else _other_splits(prefix, username)
    return Candidate(path, username, display, when.astimezone(UTC), None, Source.BLACKBOARD, match["orig"], stamp,
                     aliases)


def _other_splits(prefix: str, chosen: str) -> tuple[str, ...]:
    """The usernames other than ``chosen`` that ``{Assignment}_{username}`` allows, longest first."""
    parts = prefix.split("_")
    return tuple(u for u in ("_".join(parts[i:]) for i in range(1, len(parts))) if u and u != chosen)


def settle(candidate: Candidate, known: set[str]) -> Candidate:
    """``candidate`` under the one identity among its own and its aliases that is ``known`` (a student already in
    the gradebook or on the roster), so a file graded without its folder's context keeps its student."""
    if not candidate.aliases or candidate.student in known:
        return candidate
    hits = [alias for alias in candidate.aliases if alias in known]
    return replace(candidate, student=hits[0], aliases=()) if len(hits) == 1 else candidate


def is_receipt(name: str) -> bool:
    """Whether ``name`` is the receipt Blackboard adds per attempt (no student handed it in)."""
    return _receipt_match(name) is not None


def is_download(paths: Sequence[str], _group: str) -> bool:
    """Any entry named as an attempt's file or receipt."""
    return any(_name_match(b) or _receipt_match(b) for b in base_names(paths))


def names_upload(name: str) -> bool:
    """Whether ``name`` is an attempt's file name, ``{Assignment}_{username}_attempt_{time}_{original}``."""
    return _name_match(name) is not None


def read_folder(listing: Listing) -> _Folder:
    """Read a folder's receipts once, and the assignment names its receipts and attempts give."""
    receipts: dict[tuple[str, str], _Receipt] = {}
    for name in listing.names:
        if match := _receipt_match(name):
            receipts[(match["prefix"], match["ts"])] = _read_receipt(listing.directory / name)
    known = {r.assignment for r in receipts.values() if r.assignment}
    known |= {
        p[: -len(r.username) - 1] for (p, _), r in receipts.items() if r.username and p.endswith(f"_{r.username}")
    }
    prefixes = {m["prefix"] for n in listing.names if (m := _name_match(n) or _receipt_match(n))}
    inferred = _common_assignment(prefixes)
    ordered = sorted(known, key=lambda a: (-len(a), a)) + ([inferred] if inferred and inferred not in known else [])
    return _Folder(receipts, tuple(ordered))


def _valid_stamp(match: re.Match[str] | None) -> re.Match[str] | None:
    if match is None:
        return None
    try:
        datetime.strptime(match["ts"], _STAMP_FORMAT)
    except ValueError:
        return None
    return match


def _name_match(name: str) -> re.Match[str] | None:
    return _valid_stamp(_NAME.match(name))


def _receipt_match(name: str) -> re.Match[str] | None:
    return _valid_stamp(_RECEIPT.match(name))


def _username(prefix: str, receipt: _Receipt | None, assignments: tuple[str, ...]) -> str:
    """Split ``{Assignment}_{username}``: by the receipt, by a known assignment name, else at the last ``_``."""
    if receipt and receipt.username and (prefix == receipt.username or prefix.endswith(f"_{receipt.username}")):
        return receipt.username
    for assignment in assignments:
        if prefix.startswith(f"{assignment}_") and len(prefix) > len(assignment) + 1:
            return prefix[len(assignment) + 1 :]
    return prefix.rsplit("_", 1)[-1]


def _common_assignment(prefixes: set[str]) -> str | None:
    """The assignment name shared by several ``{Assignment}_{username}`` prefixes, when each keeps a username."""
    if len(prefixes) < 2:
        return None
    split = [p.split("_") for p in sorted(prefixes)]
    common: list[str] = []
    for tokens in zip(*split, strict=False):
        if len(set(tokens)) != 1:
            break
        common.append(tokens[0])
    if not common or any(len(tokens) <= len(common) for tokens in split):
        return None
    return "_".join(common)


# ---------------------------------------------------------------- receipts


_RECEIPT_NAME = re.compile(r"^\s*Name:\s*(?P<name>.*?)\s*\((?P<user>[^()\s]+)\)\s*$", re.M)
_RECEIPT_ASSIGNMENT = re.compile(r"^\s*Assignment:\s*(?P<value>.+?)\s*$", re.M)
_RECEIPT_DATE = re.compile(r"^\s*Date Submitted:\s*(?P<value>.+?)\s*$", re.M)


def _read_receipt(path: Path) -> _Receipt:
    """The name, username, assignment and time a receipt gives; fields it lacks are None."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(MAX_RECEIPT_BYTES).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        log.warning("%s: unreadable receipt (%s)", path.name, exc)
        return _Receipt(None, None, None, None)
    name, assignment, date = (rx.search(text) for rx in (_RECEIPT_NAME, _RECEIPT_ASSIGNMENT, _RECEIPT_DATE))
    return _Receipt(
        username=name["user"] if name else None,
        name=(name["name"] or None) if name else None,
        assignment=assignment["value"] if assignment else None,
        submitted_at=parse_receipt_date(date["value"]) if date else None,
    )


_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8,
    "HST": -10, "AWST": 8, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "SGT": 8,
    "HKT": 8, "JST": 9, "KST": 9,
}  # fmt: skip
_DATE_FORMATS = ("%B %d, %Y %I:%M:%S %p", "%B %d, %Y %H:%M:%S", "%d %B %Y %H:%M:%S", "%d %B %Y %I:%M:%S %p",
                 "%Y-%m-%d %H:%M:%S")  # fmt: skip


def _zone(token: str) -> timezone | None:
    if token.upper() in _ZONES:
        return timezone(timedelta(hours=_ZONES[token.upper()]))
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d\d?):?(\d\d)?", token, re.I)
    if not match:
        return None
    offset = timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
    return timezone(-offset if match[1] == "-" else offset)


def parse_receipt_date(text: str) -> datetime | None:
    """A receipt's ``Date Submitted`` in UTC, e.g. ``Monday, March 4, 2024 2:22:05 PM EST``; None if unsure."""
    words = re.sub(r"o'clock", " ", text, flags=re.I).replace(",", ", ").split()
    if words and words[0].rstrip(",").isalpha() and words[0].endswith(","):
        words = words[1:]  # the weekday
    if len(words) < 2 or (zone := _zone(words[-1])) is None:
        return None
    stamp = " ".join(words[:-1])
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(stamp, fmt).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            continue
    return None


SCHEME = LmsScheme(
    source=Source.BLACKBOARD,
    export_module="blackboard",
    roster_keys=(("username", "student"), ("local", "student"), ("sis_id", "student"), ("name", "display_name")),
    identify=identify,
    read_folder=read_folder,
    is_download=is_download,
    ignores=is_receipt,
    names_upload=names_upload,
)
