"""The problem report of an import: every problem with row, column, value and reason."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .rows import Problem

HEADER = ["Baris", "Kolom", "Nilai", "Masalah", "Tingkat"]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row, p.column))


def write_report(path: str | Path, problems: list[Problem]) -> Path:
    """Write the problems to CSV (semicolon, UTF-8 with BOM: Indonesian Excel opens it
    as is) or XLSX, chosen by the file's extension."""
    path = Path(path)
    rows = [[p.row, p.column, p.value, p.reason, p.level] for p in _sorted(problems)]
    if path.suffix.lower() == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Masalah impor")
        sheet.column_dimensions["C"].width = 24
        sheet.column_dimensions["D"].width = 90
        header = []
        for title in HEADER:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(rows)
    return path
