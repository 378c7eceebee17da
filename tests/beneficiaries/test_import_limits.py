"""Large and strange files: handled without running out of memory, explained, and the
register stays exactly as it was."""

import resource

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from beneficiaries.models import ImportBatch, Person
from beneficiaries.synthetic import write_extract

CIMAUNG = "32.04.17.2001"


def test_a_50_mb_file_with_one_bad_row_at_the_end_changes_nothing(org, tmp_path):
    path = tmp_path / "besar.csv"
    stats = write_extract(path, layout="dtks", people=210_000, villages=[CIMAUNG], seed=21)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("3204179999999999,JAWA BARAT,KAB. BANDUNG,CIMAUNG,CIMAUNG,32.04.17.2001,"
                     "KP. X,DUSUN 1,001,001,3204171010100001,31.02.1990,ASEP,BANDUNG,"
                     "31-02-1990,LAKI-LAKI,IBU,1,-,TIDAK,TIDAK,TIDAK,TIDAK,TIDAK,1\n")
    assert path.stat().st_size > 50 * 1024 * 1024
    with pytest.raises(CommandError, match="Tidak ada yang diubah"):
        call_command("import_register", str(path), "--village", CIMAUNG)
    assert not Person.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.counts["rows"] == stats.rows + 1
    assert batch.counts["rows_invalid"] == 1
    assert batch.problems[0]["row"] == stats.rows + 2
    # Peak memory of this whole test process stays far below the 1 GB budget.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1024 * 1024


def test_xlsx_with_a_million_formatted_empty_rows_imports_only_the_data(org, tmp_path):
    source = tmp_path / "data.xlsx"
    write_extract(source, layout="dtks", people=50, villages=[CIMAUNG], seed=22)
    from openpyxl import load_workbook

    data = list(load_workbook(source, read_only=True).active.iter_rows(values_only=True))
    workbook = Workbook()
    sheet = workbook.active
    for row in data:
        sheet.append(list(row))
    # Excel users format whole columns; the file then claims a million rows.
    sheet["A1048576"] = None
    sheet.cell(row=1_048_576, column=1).number_format = "@"
    path = tmp_path / "berformat.xlsx"
    workbook.save(path)
    call_command("import_register", str(path), "--village", CIMAUNG)
    assert Person.objects.count() == 50
