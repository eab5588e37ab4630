"""Find the submissions in what an instructor downloaded: files, folders, export zips and LMS bulk downloads.

Each LMS names a submitted file after the student who handed it in:

- Canvas: ``{sortable name squashed}_[LATE_]{user id}_{attachment id}_{original}``, or ``[LATE_]anon_{id}_...``;
- Moodle: ``{Full Name}_{participant id}_assignsubmission_file/{original}`` (or ``..._file_{original}``);
- Blackboard: ``{Assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}_{original}``, plus a ``.txt`` receipt per
  attempt (``Name: First Last (username)``, ``Date Submitted: ...``).

A name alone can mislead (``lab_3_2024_final.ipynb`` fits the Canvas pattern), so the weak Canvas pattern only
counts when the folder or zip around the file looks like a Canvas download as a whole. Archives are extracted into
a work folder, never writing outside it; a ``grader.export()`` zip is one submission and stays whole.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from autograder.intake.notebook import IntakeError, student_name

log = logging.getLogger(__name__)

CANVAS, MOODLE, BLACKBOARD, FILE = "canvas", "moodle", "blackboard", "file"

MAX_ARCHIVE_DEPTH = 2
"""Archives opened inside one another: the download, and one level of archives inside it."""
MAX_MEMBERS = 20_000
"""Entries one archive may hold."""
MAX_MEMBER_BYTES = 512 * 2**20
"""Larger entries are skipped (with a warning): no notebook is that large."""
MAX_EXTRACTED_BYTES = 4 * 2**30
"""Bytes one ``discover`` call may extract in all, against zip bombs."""
MAX_RECEIPT_BYTES = 256 * 1024
BLACKBOARD_NAME_TZ = timezone.utc
"""Time zone of the timestamp in Blackboard file names, used when the receipt's date cannot be read (unconfirmed)."""

JUNK_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
JUNK_DIRS = frozenset({"__macosx", ".ipynb_checkpoints", "__pycache__"})
GRADABLE_SUFFIXES = (".ipynb", ".zip")

_CANVAS_TAIL = r"_(?:(?P<att>\d+)_(?P<orig>.+)|(?P<kind>text|link)\.html)$"
_CANVAS_NAMED = re.compile(r"^(?P<slug>\w*?)_(?P<late>LATE_)?(?P<uid>\d+)" + _CANVAS_TAIL, re.S)
_CANVAS_ANON = re.compile(r"^(?P<late>LATE_)?(?P<uid>anon_[A-Za-z0-9]+)" + _CANVAS_TAIL, re.S)
_MOODLE = re.compile(r"^(?P<name>[^_]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<orig>.+))?$", re.S)
_BB_TS = r"_attempt_(?P<ts>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)"
_BLACKBOARD = re.compile(rf"^(?P<prefix>.+?){_BB_TS}_(?P<orig>.+)$", re.S)
_BB_RECEIPT = re.compile(rf"^(?P<prefix>.+?){_BB_TS}\.txt$", re.S)
_OTTER_TS = re.compile(r"_(\d{4})_(\d\d)_(\d\d)T(\d\d)_(\d\d)_(\d\d)(?:_(\d+))?")


@dataclass(frozen=True)
class Candidate:
    """One file that may be a submission, with what its name or surroundings say about it."""

    path: Path
    """The notebook, zip or other file to grade (inside the work folder when it came from an archive)."""
    student: str
    """Identity key: Canvas user id (or ``anon_...``), Moodle participant id, Blackboard username, or file stem."""
    display_name: str | None
    """The name the format carries: Moodle's full name, Blackboard's receipt name, Canvas's squashed sortable name."""
    submitted_at: datetime | None
    """Timezone-aware UTC time when the format says (Blackboard), else None."""
    late: bool | None
    """Canvas's LATE flag; None when the format does not say."""
    source: str
    """``canvas``, ``moodle``, ``blackboard`` or ``file``."""
    original_name: str
    """The file name the student uploaded."""
    attempt: str
    """Orders one student's attempts, later sorts higher: Canvas attachment id, Blackboard timestamp, or ''."""


@dataclass(frozen=True)
class _Receipt:
    username: str | None
    name: str | None
    assignment: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class _Folder:
    """What the file names in one folder say together, where one name alone can be ambiguous."""

    canvas: bool
    receipts: Mapping[tuple[str, str], _Receipt]
    """Blackboard receipts by (``{Assignment}_{username}`` prefix, timestamp)."""
    assignments: tuple[str, ...]
    """Blackboard assignment names, to split a prefix into assignment and username."""


def discover(paths: Sequence[Path], workdir: Path, lab: str) -> list[Candidate]:
    """Every submission in ``paths``, in a stable order; raises IntakeError for a missing path or corrupt zip given."""
    scanner = _Scanner(workdir, lab)
    for path in paths:
        scanner.add(Path(path))
    return sorted(scanner.found.values(), key=_order)


def latest_per_student(cands: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """(counted, superseded): per student, the latest notebook or zip counts; any other file only without one.

    Preferring gradable files keeps a PDF handed in next to the notebook from replacing it.
    """
    groups: dict[str, list[Candidate]] = {}
    for cand in sorted(cands, key=_order):
        groups.setdefault(cand.student, []).append(cand)
    counted, superseded = [], []
    for group in groups.values():
        best = max(group, key=lambda c: (is_gradable(c), c.attempt))
        counted.append(best)
        superseded += [c for c in group if c is not best]
    return sorted(counted, key=_order), sorted(superseded, key=_order)


def is_gradable(cand: Candidate) -> bool:
    """Whether the file can hold a notebook at all (a notebook or a zip)."""
    return cand.path.suffix.lower() in GRADABLE_SUFFIXES


def _order(cand: Candidate) -> tuple:
    return (cand.source, _natural(cand.student), cand.attempt, cand.original_name, str(cand.path))


def _natural(text: str) -> tuple:
    return tuple((0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t) for t in re.split(r"([0-9]+)", text))


# ---------------------------------------------------------------- walking folders and archives


class _Scanner:
    """State of one ``discover`` call: what was found, folder contexts read so far, bytes extracted."""

    def __init__(self, workdir: Path, lab: str) -> None:
        self.workdir = workdir.resolve()
        self.lab = lab
        self.found: dict[Path, Candidate] = {}
        self.folders: dict[Path, _Folder] = {}
        self.extracted = 0
        self.dests: set[Path] = set()

    def add(self, path: Path) -> None:
        """A path the instructor named: a file, an archive or a folder."""
        if not path.exists():
            raise IntakeError(f"{path}: no such file or folder")
        if path.is_dir():
            self.walk(path, 0, _moodle_context(path))
        else:
            self.add_file(path, 0, _moodle_context(path.parent), explicit=True)

    def walk(self, directory: Path, depth: int, moodle: re.Match[str] | None) -> None:
        for entry in _entries(directory):
            if _is_junk(entry.name) or entry.resolve() == self.workdir:
                continue
            if entry.is_dir() and not entry.is_symlink():
                self.walk(entry, depth, _moodle_folder(entry.name) or moodle)
            elif entry.is_file():
                self.add_file(entry, depth, moodle, explicit=False)

    def add_file(self, path: Path, depth: int, moodle: re.Match[str] | None, *, explicit: bool) -> None:
        cand = _identify(path, self.folder(path.parent), moodle, self.lab)
        if cand is None:
            return
        if cand.source == FILE and path.suffix.lower() == ".zip" and self.expand(path, depth, explicit=explicit):
            return
        self.found.setdefault(path.resolve(), cand)

    def folder(self, directory: Path) -> _Folder:
        key = directory.resolve()
        if key not in self.folders:
            self.folders[key] = _folder_context(directory)
        return self.folders[key]

    def expand(self, path: Path, depth: int, *, explicit: bool) -> bool:
        """Extract and walk ``path`` when it is an archive of submissions rather than one submission."""
        if depth >= MAX_ARCHIVE_DEPTH:
            return False
        try:
            if not _is_archive(_zip_names(path), path.stem, explicit=explicit):
                return False
            dest = self.extract(path)
        except IntakeError as exc:
            if explicit:
                raise
            log.warning("%s; kept as one submission", exc)
            return False
        self.walk(dest, depth + 1, None)
        return True

    def extract(self, path: Path) -> Path:
        """Extract the safe entries of ``path`` into a new folder of the work folder."""
        dest = self._fresh_dir(path.stem)
        with _reading(path), zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise IntakeError(f"{path.name}: more than {MAX_MEMBERS} entries")
            for info in infos:
                parts = _member_parts(path, info)
                if parts is not None:
                    self._extract_member(archive, info, dest, parts)
        return dest

    def _extract_member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, parts: list[str]) -> None:
        name = f"{Path(archive.filename or '').name}: {'/'.join(parts)}"
        if info.file_size > MAX_MEMBER_BYTES:
            log.warning("%s: larger than %d MiB, skipped", name, MAX_MEMBER_BYTES // 2**20)
            return
        if self.extracted + info.file_size > MAX_EXTRACTED_BYTES:
            raise IntakeError(f"{name}: the archives hold more than {MAX_EXTRACTED_BYTES // 2**30} GiB")
        target = dest.joinpath(*parts)
        if not target.resolve().is_relative_to(dest.resolve()) or target.exists():
            log.warning("%s: outside the archive's folder or a duplicate, skipped", name)
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            log.warning("%s: a file and a folder share this name, skipped", name)
            return
        with archive.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
                self.extracted += len(chunk)

    def _fresh_dir(self, stem: str) -> Path:
        base = self.workdir / (stem.strip(". ") or "archive")
        dest, n = base, 1
        while dest in self.dests or dest.exists():
            n += 1
            dest = base.with_name(f"{base.name}-{n}")
        dest.mkdir(parents=True)
        self.dests.add(dest)
        return dest


def _entries(directory: Path) -> list[Path]:
    try:
        return sorted(directory.iterdir())
    except OSError as exc:
        raise IntakeError(f"{directory}: cannot list the folder ({exc.strerror or exc})") from exc


def _is_junk(name: str) -> bool:
    """OS and editor litter, hidden files, and folders such as ``__MACOSX`` that never hold a submission."""
    lowered = name.lower()
    return lowered in JUNK_FILES or lowered in JUNK_DIRS or name.startswith((".", "~$"))


def _moodle_folder(name: str) -> re.Match[str] | None:
    match = _MOODLE.match(unicodedata.normalize("NFC", name))
    return match if match and match["orig"] is None else None


def _moodle_context(directory: Path) -> re.Match[str] | None:
    """The Moodle submission folder ``directory`` is, or is inside of, if any."""
    for folder in (directory, *directory.resolve().parents):
        if match := _moodle_folder(folder.name):
            return match
    return None


# ---------------------------------------------------------------- zips


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn whatever a broken zip raises into a one-line IntakeError."""
    try:
        yield
    except IntakeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, RuntimeError, EOFError, ValueError,
            NotImplementedError) as exc:  # fmt: skip
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise IntakeError(f"{path.name}: unreadable zip ({reason})") from exc


def _member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, repairing UTF-8 names stored without the UTF-8 flag (read as cp437 by zipfile)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _member_parts(archive: Path, info: zipfile.ZipInfo) -> list[str] | None:
    """The entry's path as safe relative parts; None for folders, junk, links and anything escaping the archive."""
    name = _member_name(info)
    parts = [p for p in re.split(r"[/\\]", name) if p not in ("", ".")]
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    absolute = name.startswith(("/", "\\")) or bool(parts and re.match(r"^[A-Za-z]:", parts[0]))
    if is_link or absolute or ".." in parts or "\x00" in name:
        log.warning("%s: unsafe entry %r skipped", archive.name, name)
        return None
    if info.is_dir() or not parts or any(_is_junk(p) for p in parts):
        return None
    return parts


def _zip_names(path: Path) -> list[str]:
    """The safe, non-junk file entries of a zip, as ``a/b`` paths; raises IntakeError when unreadable."""
    with _reading(path), zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        parts = (_member_parts(path, info) for info in infos)
        return ["/".join(p) for p in parts if p is not None]


def _is_archive(names: list[str], stem: str, *, explicit: bool) -> bool:
    """Whether a zip is a download to expand, rather than one submission such as a ``grader.export()`` zip."""
    bases = [unicodedata.normalize("NFC", n.rsplit("/", 1)[-1]) for n in names]
    if any(_MOODLE.match(unicodedata.normalize("NFC", part)) for n in names for part in n.split("/")):
        return True
    if any(_blackboard_match(b) or _receipt_match(b) for b in bases) or _canvas_group(bases, stem):
        return True
    notebooks = sum(b.lower().endswith(".ipynb") for b in bases)
    if notebooks == 1:
        return False
    return any(b.lower().endswith(".zip") for b in bases) or (explicit and notebooks >= 2)


# ---------------------------------------------------------------- reading names


def _identify(path: Path, folder: _Folder, moodle: re.Match[str] | None, lab: str) -> Candidate | None:
    """What ``path``'s name and folder say about it; None for junk and Blackboard receipts."""
    name = unicodedata.normalize("NFC", path.name)
    if _is_junk(name) or (moodle is None and _receipt_match(name)):
        return None
    if moodle is not None:
        cand = _moodle_candidate(path, moodle, name)
    elif (match := _MOODLE.match(name)) and match["orig"]:
        cand = _moodle_candidate(path, match, match["orig"])
    elif match := _blackboard_match(name):
        cand = _blackboard_candidate(path, match, folder)
    elif folder.canvas and (match := _canvas_match(name)):
        cand = _canvas_candidate(path, match)
    else:
        cand = _file_candidate(path, lab)
    return None if _is_junk(cand.original_name) else cand


def _canvas_match(name: str) -> re.Match[str] | None:
    match = _CANVAS_ANON.match(name) or _CANVAS_NAMED.match(name)
    slug = match.groupdict().get("slug") if match else None
    if match and slug and slug != slug.lower():
        return None  # Canvas lowercases the sortable name
    return match


def _canvas_group(names: list[str], group: str) -> bool:
    """Whether files named ``names``, in a folder or zip called ``group``, are a Canvas download."""
    names = [n for n in names if not _receipt_match(n)]
    matches = [m for n in names if (m := _canvas_match(n))]
    if not matches or 2 * len(matches) < len(names):
        return False
    flagged = any(m["late"] or m["uid"].startswith("anon_") for m in matches)
    return flagged or len({m["uid"] for m in matches}) >= 2 or group.lower().endswith("submissions")


def _canvas_candidate(path: Path, match: re.Match[str]) -> Candidate:
    att = match["att"]
    return Candidate(
        path=path,
        student=match["uid"],
        display_name=match.groupdict().get("slug") or None,
        submitted_at=None,
        late=bool(match["late"]),
        source=CANVAS,
        original_name=match["orig"] or f"{match['kind']}.html",
        attempt=att.zfill(20) if att else "",
    )


def _moodle_candidate(path: Path, match: re.Match[str], original: str) -> Candidate:
    name = match["name"].strip()
    anonymous = name.casefold() in ("", "participant")  # blind marking names everyone "Participant"
    return Candidate(path, match["pid"], None if anonymous else name, None, None, MOODLE, original, "")


def _file_candidate(path: Path, lab: str) -> Candidate:
    """A file no LMS named: the student is its stem (or folder), otter's export timestamp orders attempts."""
    stamp = _OTTER_TS.search(path.stem)
    attempt = "{}-{}-{}T{}:{}:{}.{}".format(*stamp.groups(default="0")) if stamp else ""
    return Candidate(path, student_name(path, lab), None, None, None, FILE, path.name, attempt)


# ---------------------------------------------------------------- Blackboard


def _valid_stamp(match: re.Match[str] | None) -> re.Match[str] | None:
    if match is None:
        return None
    try:
        datetime.strptime(match["ts"], "%Y-%m-%d-%H-%M-%S")
    except ValueError:
        return None
    return match


def _blackboard_match(name: str) -> re.Match[str] | None:
    return _valid_stamp(_BLACKBOARD.match(name))


def _receipt_match(name: str) -> re.Match[str] | None:
    return _valid_stamp(_BB_RECEIPT.match(name))


def _blackboard_candidate(path: Path, match: re.Match[str], folder: _Folder) -> Candidate:
    prefix, stamp = match["prefix"], match["ts"]
    receipt = folder.receipts.get((prefix, stamp))
    username = _blackboard_username(prefix, receipt, folder.assignments)
    when = receipt.submitted_at if receipt and receipt.submitted_at else None
    if when is None:
        when = datetime.strptime(stamp, "%Y-%m-%d-%H-%M-%S").replace(tzinfo=BLACKBOARD_NAME_TZ)
    display = receipt.name if receipt and receipt.username == username else None
    return Candidate(path, username, display, when.astimezone(timezone.utc), None, BLACKBOARD, match["orig"], stamp)


def _blackboard_username(prefix: str, receipt: _Receipt | None, assignments: tuple[str, ...]) -> str:
    """Split ``{Assignment}_{username}``: by the receipt, by a known assignment name, else at the last ``_``."""
    if receipt and receipt.username and (prefix == receipt.username or prefix.endswith(f"_{receipt.username}")):
        return receipt.username
    for assignment in assignments:
        if prefix.startswith(f"{assignment}_") and len(prefix) > len(assignment) + 1:
            return prefix[len(assignment) + 1 :]
    return prefix.rsplit("_", 1)[-1]


def _folder_context(directory: Path) -> _Folder:
    """Read a folder's names once: is it a Canvas download, and what do its Blackboard receipts say."""
    try:
        names = sorted(unicodedata.normalize("NFC", p.name) for p in directory.iterdir() if p.is_file())
    except OSError:
        names = []
    names = [n for n in names if not _is_junk(n)]
    receipts: dict[tuple[str, str], _Receipt] = {}
    for name in names:
        if match := _receipt_match(name):
            receipts[(match["prefix"], match["ts"])] = _read_receipt(directory / name)
    known = {r.assignment for r in receipts.values() if r.assignment}
    known |= {
        p[: -len(r.username) - 1] for (p, _), r in receipts.items() if r.username and p.endswith(f"_{r.username}")
    }
    prefixes = {m["prefix"] for n in names if (m := _blackboard_match(n) or _receipt_match(n))}
    inferred = _common_assignment(prefixes)
    ordered = sorted(known, key=lambda a: (-len(a), a)) + ([inferred] if inferred and inferred not in known else [])
    return _Folder(_canvas_group(names, directory.name), receipts, tuple(ordered))


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


_RECEIPT_NAME = re.compile(r"^\s*Name:\s*(?P<name>.*?)\s*\((?P<user>[^()\s]+)\)\s*$", re.M)
_RECEIPT_ASSIGNMENT = re.compile(r"^\s*Assignment:\s*(?P<value>.+?)\s*$", re.M)
_RECEIPT_DATE = re.compile(r"^\s*Date Submitted:\s*(?P<value>.+?)\s*$", re.M)


def _read_receipt(path: Path) -> _Receipt:
    """The name, username, assignment and time a Blackboard receipt gives; fields it lacks are None."""
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
            return datetime.strptime(stamp, fmt).replace(tzinfo=zone).astimezone(timezone.utc)
        except ValueError:
            continue
    return None
