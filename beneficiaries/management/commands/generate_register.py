"""``manage.py generate_register``: write a synthetic register extract (CSV/XLSX)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beneficiaries.synthetic import (
    DATE_STYLES,
    DEFAULT_REFERENCE_DATE,
    DEMO_VILLAGES,
    LAYOUTS,
    resolve_village,
    write_extract,
)

_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


def _number(value: int) -> str:
    """1234567 -> "1.234.567" (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Membuat ekstrak register kesejahteraan sosial SINTETIS (data karangan, bukan data "
        "warga) dalam format DTKS, BDT 2015 atau DTSEN, sebagai CSV atau XLSX. Untuk uji, "
        "benchmark dan data demo. Hasilnya sama persis untuk seed yang sama."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Berkas keluaran (.csv atau .xlsx).")
        parser.add_argument(
            "--people",
            type=int,
            required=True,
            help="Jumlah orang (= baris data) yang dibuat, mis. 1000000.",
        )
        parser.add_argument(
            "--villages",
            default=",".join(DEMO_VILLAGES),
            help=(
                "Kode wilayah Kemendagri desa, dipisah koma (mis. 32.04.17.2001,32.04.17.2002). "
                "Bawaan: sepuluh desa demo Kec. Cimaung 32.04.17.2001–2010."
            ),
        )
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="dtks",
            help="Susunan kolom: dtks (SIKS-NG/DTKS), bdt2015 (BDT 2015) atau dtsen. Bawaan: dtks.",
        )
        parser.add_argument(
            "--format",
            choices=("csv", "xlsx"),
            help="csv atau xlsx. Bawaan: menurut ekstensi berkas.",
        )
        parser.add_argument(
            "--delimiter",
            default=",",
            help="Pemisah kolom CSV: ',' (bawaan), ';' atau 'tab'.",
        )
        parser.add_argument(
            "--encoding",
            choices=("utf-8", "utf-8-sig", "cp1252"),
            default="utf-8",
            help="Encoding CSV. utf-8-sig menambahkan BOM (seperti Excel). Bawaan: utf-8.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed acak; seed sama = berkas sama. Bawaan: 1."
        )
        parser.add_argument(
            "--date-style",
            choices=tuple(DATE_STYLES),
            help="Format tanggal lahir: dmy-dash (DD-MM-YYYY), dmy-slash (DD/MM/YYYY) atau "
            "iso (YYYY-MM-DD). Bawaan: dmy-dash; iso untuk dtsen.",
        )
        parser.add_argument(
            "--relation-as",
            choices=("code", "name"),
            default="code",
            help="Kolom hubungan keluarga sebagai kode 1–11 (code, bawaan) atau nama "
            "(name, mis. KEPALA KELUARGA). BDT 2015 selalu memakai kode BDT.",
        )
        parser.add_argument(
            "--numbered-header",
            action="store_true",
            help="Tambahkan baris judul kedua berisi nomor kolom (KOLOM 1, KOLOM 2, ...), "
            "seperti sebagian lembar BDT 2015.",
        )
        parser.add_argument(
            "--xlsx-dates",
            choices=("date", "text"),
            default="date",
            help="XLSX: tanggal lahir sebagai tanggal Excel (date, bawaan) atau teks (text).",
        )
        parser.add_argument(
            "--reference-date",
            default=DEFAULT_REFERENCE_DATE.isoformat(),
            help="Tanggal acuan umur dan tanggal terbit KK (YYYY-MM-DD). "
            f"Bawaan: {DEFAULT_REFERENCE_DATE.isoformat()}.",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        people = options["people"]
        if people < 1:
            raise CommandError("--people harus minimal 1.")
        if not path.parent.is_dir():
            raise CommandError(f"Folder tujuan tidak ada: {path.parent}")

        fmt = options["format"] or _EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            raise CommandError(
                f"Format tidak bisa ditentukan dari ekstensi '{path.suffix}'; "
                "pakai berkas .csv/.xlsx atau --format csv|xlsx."
            )

        delimiter = options["delimiter"]
        if delimiter.lower() in ("tab", "\\t"):
            delimiter = "\t"
        if len(delimiter) != 1:
            raise CommandError("--delimiter harus satu karakter, mis. ',' atau ';' (atau 'tab').")

        codes = [c.strip() for c in options["villages"].split(",") if c.strip()]
        if not codes:
            raise CommandError("--villages kosong: isi minimal satu kode desa.")
        try:
            villages = [resolve_village(c) for c in codes]
            reference = date.fromisoformat(options["reference_date"])
        except ValueError as err:
            raise CommandError(str(err)) from err

        started = time.perf_counter()
        try:
            stats = write_extract(
                path,
                layout=options["layout"],
                people=people,
                villages=villages,
                seed=options["seed"],
                fmt=fmt,
                delimiter=delimiter,
                encoding=options["encoding"],
                date_style=options["date_style"],
                relation_as=options["relation_as"],
                numbered_header=options["numbered_header"],
                xlsx_dates=options["xlsx_dates"],
                reference_date=reference,
            )
        except (ValueError, OSError) as err:
            raise CommandError(f"Gagal menulis {path}: {err}") from err
        seconds = time.perf_counter() - started

        self.stdout.write(
            self.style.SUCCESS(
                f"Register sintetis ditulis ke {stats.path} "
                f"(layout {stats.layout}, {stats.fmt.upper()}, seed {options['seed']})."
            )
        )
        self.stdout.write(
            f"  {_number(stats.rows)} baris (orang), {_number(stats.households)} rumah tangga, "
            f"{_number(stats.families)} keluarga, {len(villages)} desa."
        )
        self.stdout.write(f"  Waktu: {seconds:.1f} detik.".replace(".", ",", 1))
