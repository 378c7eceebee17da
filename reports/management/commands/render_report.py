"""python manage.py render_report --village 32.04.17.2001 --period 2026-11 --output laporan.pdf"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from puskesos.models import Village
from reports.figures import village_figures
from reports.periods import KINDS, Period, check_not_future
from reports.services import narrative_for, profile_gap_message, report_pdf


class Command(BaseCommand):
    help = ("Tulis laporan kegiatan Puskesos satu desa untuk satu periode sebagai PDF (draf, "
            "tidak diterbitkan).")

    def add_arguments(self, parser):
        parser.add_argument("--village", required=True, help="Kode Kemendagri desa, mis. "
                            "32.04.17.2001.")
        parser.add_argument("--period", required=True,
                            help="2026-11 (bulan), 2026-Q4, 2026-S2, atau 2026.")
        parser.add_argument("--kind", choices=KINDS, default=None,
                            help="Jenis laporan; dengan bulan (2026-11) memilih periode yang "
                            "memuat bulan itu.")
        parser.add_argument("--output", required=True, help="File PDF yang ditulis.")

    def handle(self, *args, village, period, kind, output, **options):
        found = Village.objects.select_related("district__regency").filter(code=village).first()
        if found is None:
            raise CommandError(f"Desa dengan kode «{village}» tidak ditemukan.")
        try:
            chosen = Period.parse(period, kind)
            check_not_future(chosen)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        message = profile_gap_message(found)
        if message:
            raise CommandError(message + " (menu Desa → Ubah profil)")
        figures = village_figures(found, chosen)
        narrative = narrative_for(found, chosen)
        pdf = report_pdf(found, chosen, figures,
                         narrative=narrative.as_dict() if narrative else None)
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"Folder «{path.parent}» tidak ada.")
        path.write_bytes(pdf)
        note = " Tidak ada kegiatan pada periode ini." if figures["empty"] else ""
        self.stdout.write(self.style.SUCCESS(
            f"Laporan {chosen.label} {found} ditulis ke {path} ({len(pdf) // 1024} KB).{note}"))
