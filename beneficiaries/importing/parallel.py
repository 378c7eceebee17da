"""Checking every row of an extract, on every core for a large CSV file.

:func:`scan_file` reads the file once for its checksum and notes, every few
megabytes, where a line starts and which line number it has. :func:`check_extract`
then checks the rows in *stretches* of about 10,000 rows:

* a large CSV file (the usual million-row DTKS extract) is cut at those line
  starts; worker processes (``fork``) each read their stretch with the very reader
  of :mod:`.readers` (so row numbers, padding, skipped rows and messages are the
  reader's own) and check it with :class:`~.rows.RowChecker`;
* any other file (small, XLSX, an encoding or line ending that cannot be cut by
  bytes, a quoted value over several lines) is read and checked in this process,
  stretch by stretch, the same way.

Duplicates and households are found here, in file order, by the
:class:`~.store.Collector`: a stretch whose rows are all plainly valid comes back
summed up (:class:`~.store.Chunk`) and is added with a few dictionary updates;
otherwise its rows are added one by one, which reports exactly what checking the
file row by row reports.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import multiprocessing
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from .readers import MAX_SKIPPED_KEPT, Extract, ReaderError
from .rows import Problem, RowChecker
from .store import Collector, summarise

#: Files at least this large are checked by worker processes (~70,000 rows).
PARALLEL_MIN_BYTES = 16 << 20
#: About this many bytes (~15,000 rows) per stretch of a file cut for the workers.
STRETCH_BYTES = 4 << 20
#: Rows per stretch when the file is read here.
STRETCH_ROWS = 10_000
#: Worker processes (the machine's cores, at most this many).
MAX_WORKERS = 4
_READ = 1 << 20
_SPLITTABLE = ("utf-8", "utf-8-sig", "cp1252")


@dataclass
class FileScan:
    """One pass over the file: checksum, size, and line starts to cut it at."""

    checksum: str
    size: int
    line_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line no.)
    lone_cr: bool = False  # a bare CR ends a line for the reader: line numbers by LF only


def scan_file(path: Path) -> FileScan:
    """SHA-256 and size of ``path``; the line starts every :data:`STRETCH_BYTES`."""
    digest = hashlib.sha256()
    size = newlines = carriage = crlf = 0
    starts: list[tuple[int, int]] = []
    target = STRETCH_BYTES
    previous_cr = False
    with path.open("rb") as handle:
        while block := handle.read(_READ):
            digest.update(block)
            end = size + len(block)
            while target < end:
                at = block.find(b"\n", max(0, target - size))
                if at < 0:
                    break
                starts.append((size + at + 1, newlines + block.count(b"\n", 0, at + 1) + 1))
                target = size + at + 1 + STRETCH_BYTES
            newlines += block.count(b"\n")
            carriage += block.count(b"\r")
            crlf += block.count(b"\r\n") + (previous_cr and block[:1] == b"\n")
            previous_cr = block[-1:] == b"\r"
            size = end
    return FileScan(digest.hexdigest(), size, starts, lone_cr=carriage != crlf)


@dataclass
class Checked:
    """What checking the rows gave: the collector, the number of data rows read, the
    problems of the rows (in file order), and the rows the reader could not split."""

    collector: Collector
    rows: int
    problems: list[Problem]
    skipped_rows: list[tuple[int, str]]
    skipped_count: int


class _Stop(Exception):
    """The file cannot be checked in stretches after all (check it here, in one go)."""


def check_extract(
    extract: Extract, checker: RowChecker, spool, scan: FileScan, *, on_rows=None
) -> Checked:
    """Check every row of ``extract``; the kept people go to ``spool`` (COPY text).

    ``on_rows(n)`` is called now and then with the number of rows checked so far.
    """
    # Millions of small objects and no reference cycles: the cyclic garbage collector
    # would only walk them over and over (a third of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        stretches = _stretches(extract, scan)
        if stretches:
            try:
                return _check_in_workers(extract, checker, spool, stretches, on_rows)
            except _Stop:
                spool.seek(0)
                spool.truncate()
        return _check_here(extract, checker, spool, on_rows)
    finally:
        if collecting:
            gc.enable()


def _check_here(extract, checker, spool, on_rows) -> Checked:
    collector = Collector(spool)
    header = checker.header
    problems: list[Problem] = []
    rows = 0
    stretch: list = []
    for row in extract.rows():
        stretch.append(row)
        if len(stretch) == STRETCH_ROWS:
            rows += len(stretch)
            result = _check_rows(checker, stretch)
            _add(collector, header, problems, result, lambda s=stretch: s, checker)
            stretch = []
            if on_rows is not None:
                on_rows(rows)
    if stretch:
        rows += len(stretch)
        result = _check_rows(checker, stretch)
        _add(collector, header, problems, result, lambda: stretch, checker)
    return Checked(collector, rows, problems, extract.skipped_rows, extract.skipped_count)


def _check_rows(checker: RowChecker, rows) -> tuple:
    """("chunk", Chunk) if every row passes the fast path and they do not clash among
    themselves; ("rows", items) otherwise: per row the ``check_fast`` tuple or
    (row number, record or None, problems) from ``check``."""
    items = checker.check_many(rows)
    if items is not None:
        chunk = summarise(items)
        if chunk is not None:
            return "chunk", chunk
    items = []
    fast = True
    check_fast = checker.check_fast
    for number, cells in rows:
        item = check_fast(number, cells)
        if item is None:
            fast = False
            item = (number, *checker.check(number, cells))
        items.append(item)
    if fast:
        chunk = summarise(items)
        if chunk is not None:
            return "chunk", chunk
    return "rows", items


def _add(collector, header, problems, result, rows, checker) -> None:
    """Add a checked stretch to the collector, in file order."""
    kind, payload = result
    if kind == "chunk":
        if collector.add_chunk(payload):
            return
        # It clashes with earlier rows: add its rows one by one to report it.
        payload = []
        for number, cells in rows():
            item = checker.check_fast(number, cells)
            payload.append(item if item is not None else (number, *checker.check(number, cells)))
    for item in payload:
        if len(item) == 3:
            row, record, found = item
            problems.extend(found)
            if record is not None:
                problems.extend(collector.add(record, header))
        else:
            problems.extend(collector.add_compact(item, header))


# -- in worker processes ---------------------------------------------------------

# What the workers need, set before they are forked (inherited, never pickled).
_JOB: dict = {}


def _stretches(extract: Extract, scan: FileScan) -> list[tuple[int, int, int, int]]:
    """(start offset, end offset, first line, last line) of each stretch of a CSV
    file that can be cut by bytes, or [] to check it in this process."""
    if (
        extract.file_format != "csv"
        or scan.size < PARALLEL_MIN_BYTES
        or scan.lone_cr
        or (extract.encoding or "").lower() not in _SPLITTABLE
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or not hasattr(extract, "_csv_rows")
    ):
        return []
    # Where the data starts: after the line before data_start_row.
    with open(extract.path, "rb") as handle:
        head = handle.read(_READ)
    offset = 0
    for _ in range(extract.data_start_row - 1):
        at = head.find(b"\n", offset)
        if at < 0:
            return []
        offset = at + 1
    starts = [(offset, extract.data_start_row)]
    starts += [(o, line) for o, line in scan.line_starts if o > offset]
    stretches = []
    for (start, line), following in zip(starts, [*starts[1:], None], strict=True):
        if following is None:
            stretches.append((start, scan.size, line, 1 << 62))
        else:
            stretches.append((start, following[0], line, following[1] - 1))
    return stretches


class _StretchExtract(Extract):
    """The reader on one stretch of the file: line numbers shifted to the whole file's,
    rows past the stretch left to the next one."""

    def _skip(self, count: int) -> None:
        count += self._offset
        if count <= self._last:
            super()._skip(count)

    def _quoted(self, reader, start: int) -> list[str]:
        before = reader.line_num
        row = super()._quoted(reader, start)
        if reader.line_num - before > 1:  # a quoted value over several lines
            raise _Stop
        return row


def _stretch_rows(extract: Extract, stretch):
    """(row number, cells) of one stretch, read by the extract's own CSV reader."""
    start, _end, first, last = stretch
    part = copy.copy(extract)
    part.__class__ = _StretchExtract
    part._offset = first - 1
    part._last = last
    part._skip_records = 0
    descriptor = os.open(extract.path, os.O_RDONLY)
    os.lseek(descriptor, start, os.SEEK_SET)
    part.path = descriptor  # open() takes a descriptor: the reader starts at the stretch
    rows = part.rows()
    try:
        for number, cells in rows:
            number += part._offset
            if number > last:
                break
            yield number, cells
    finally:
        rows.close()
        _JOB["skipped"] = (part.skipped_rows, part.skipped_count)


def _check_stretch(index: int):
    extract, checker, stretches = _JOB["extract"], _JOB["checker"], _JOB["stretches"]
    try:
        rows = list(_stretch_rows(extract, stretches[index]))
    except (_Stop, ReaderError):
        return "stop", None, None
    return _check_rows(checker, rows), len(rows), _JOB["skipped"]


def _check_in_workers(extract, checker, spool, stretches, on_rows) -> Checked:
    collector = Collector(spool)
    header = checker.header
    problems: list[Problem] = []
    skipped_rows: list[tuple[int, str]] = []
    skipped_count = rows = 0
    _JOB.update(extract=extract, checker=checker, stretches=stretches)
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: deque = deque()
        following = 0
        for index in range(len(stretches)):
            # A few stretches ahead only: results wait here in memory.
            while following < len(stretches) and len(pending) < 2 * workers:
                pending.append(pool.apply_async(_check_stretch, (following,)))
                following += 1
            result, count, skipped = pending.popleft().get()
            if result == "stop":
                raise _Stop
            rows += count
            skipped_count += skipped[1]
            skipped_rows.extend(skipped[0][: MAX_SKIPPED_KEPT - len(skipped_rows)])

            def again(index=index):
                return list(_stretch_rows(extract, stretches[index]))

            _add(collector, header, problems, result, again, checker)
            if on_rows is not None:
                on_rows(rows)
    finally:
        pool.terminate()
        pool.join()
        _JOB.clear()
    return Checked(collector, rows, problems, skipped_rows, skipped_count)
