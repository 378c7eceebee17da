from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beneficiaries.models import ImportBatch
from beneficiaries.services import register_import


class Command(BaseCommand):
    help = (
        "Impor ekstrak register (DTKS/SIKS-NG, BDT 2015, DTSEN) dari CSV atau XLSX. "
        "Secara bawaan file dengan satu baris bermasalah pun tidak mengubah apa-apa."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV atau XLSX.")
        parser.add_argument("--village", required=True, metavar="KODE",
                            help="Kode Kemendagri desa (32.04.17.2001), kecamatan atau "
                                 "kabupaten yang dicakup file.")
        parser.add_argument("--format", default="auto",
                            choices=["auto", "dtks", "bdt2015", "dtsen"])
        parser.add_argument("--dry-run", action="store_true",
                            help="Periksa saja, jangan ubah register.")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Impor baris yang benar, laporkan yang bermasalah.")
        parser.add_argument("--report", metavar="PATH",
                            help="Tulis semua masalah ke CSV atau XLSX ini.")

    def handle(self, *args, file, village, format, dry_run, skip_invalid, report, **options):
        try:
            batch = register_import(
                actor=None, path=file, scope_code=village, layout=format, dry_run=dry_run,
                skip_invalid=skip_invalid, report_path=report,
            )
        except (ValidationError, FileNotFoundError) as error:
            raise CommandError(getattr(error, "messages", [str(error)])[0]) from error
        counts = batch.counts
        self.stdout.write(batch.message)
        if counts:
            self.stdout.write(
                "  baris: {rows}, valid: {rows_valid}, bermasalah: {rows_invalid}, "
                "peringatan: {warnings}".format(**{k: counts.get(k, 0) for k in (
                    "rows", "rows_valid", "rows_invalid", "warnings")}))
        if batch.status == ImportBatch.Status.DONE:
            self.stdout.write(
                "  rumah tangga baru: {households_added}, diperbarui: {households_updated}; "
                "orang baru: {people_added}, diperbarui: {people_updated}, "
                "ditandai tidak ada di ekstrak terbaru: {people_marked_absent}".format(**counts))
        for problem in batch.problems[:20]:
            self.stdout.write(
                f"  baris {problem['row']}, {problem['column']}: {problem['reason']} "
                f"[{problem['value']}]")
        if batch.problem_count > 20:
            self.stdout.write(f"  … dan {batch.problem_count - 20} masalah lain"
                              + (f" (lihat {report})" if report else ""))
        if batch.status == ImportBatch.Status.REJECTED:
            raise CommandError(batch.message)
