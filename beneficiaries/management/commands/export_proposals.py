from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beneficiaries.meetings import MeetingError, export_for_siks_ng
from beneficiaries.models import VillageMeeting


class Command(BaseCommand):
    help = ("Ekspor usulan daftar awal yang diputuskan layak oleh sebuah Musyawarah Desa "
            "(sudah ditutup) ke XLSX untuk diunggah operator desa ke SIKS-NG.")

    def add_arguments(self, parser):
        parser.add_argument("--village", required=True, help="Kode Kemendagri desa.")
        parser.add_argument("--meeting", required=True, type=int, help="Nomor musyawarah.")
        parser.add_argument("--output", required=True, help="File XLSX yang ditulis.")

    def handle(self, *args, village, meeting, output, **options):
        found = VillageMeeting.objects.filter(pk=meeting, village__code=village).first()
        if found is None:
            raise CommandError(f"Musyawarah {meeting} tidak ada di desa {village}.")
        try:
            content = export_for_siks_ng(found.pk)
        except MeetingError as error:
            raise CommandError(error.message) from None
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Ditulis: {output}"))
