from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand

from puskesos.demo import DEMO_PASSWORD, demo_users


class Command(BaseCommand):
    help = (
        "Isi data demo: Kab. Bandung, Kec. Cimaung dan sepuluh desanya, satu akun per peran. "
        "Aman dijalankan berulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help="Kata sandi semua akun demo.")
        parser.add_argument("--people", type=int, default=4000,
                            help="Jumlah orang di register demo (sintetis).")

    def handle(self, *args, password, **options):
        validate_password(password)
        rows = demo_users(password)
        self.stdout.write(self.style.SUCCESS("Data demo siap. Akun (kata sandi sama untuk semua):"))
        width = max(len(username) for username, _role, _unit in rows)
        for username, role, unit in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role:<22} {unit}")
        self.stdout.write(f"  kata sandi: {password}")
        self.seed_register(options["people"])
        self.seed_desk()
        self.seed_reports()

    def seed_register(self, people: int) -> None:
        """A synthetic register for the ten villages, loaded through the real import."""
        import tempfile
        from pathlib import Path

        from beneficiaries.demo import demo_register

        with tempfile.TemporaryDirectory() as folder:
            batch = demo_register(people=people, folder=Path(folder))
        if batch is None:
            self.stdout.write("Register demo sudah ada; tidak diimpor ulang.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Register demo: {batch.message}"))

    def seed_desk(self) -> None:
        """Today's queue and a few desk visits with complaints and a proposal."""
        from intake.demo import demo_desk
        from referrals.demo import demo_workflow

        made = demo_desk()
        if made:
            self.stdout.write(self.style.SUCCESS(f"Loket demo: {made} kunjungan hari ini."))
        else:
            self.stdout.write("Loket demo sudah ada; tidak dibuat ulang.")
        from beneficiaries.demo import demo_meeting

        if demo_meeting():
            self.stdout.write(self.style.SUCCESS("Musyawarah Desa demo: 2 usulan diputuskan."))
        made = demo_workflow()
        if made:
            self.stdout.write(self.style.SUCCESS(f"Layanan demo: {made} pengaduan di tiap "
                                                 "tahap."))

    def seed_reports(self) -> None:
        """Twelve months of history for the report charts and one issued report."""
        from reports.demo import demo_reports

        done = demo_reports()
        if done:
            self.stdout.write(self.style.SUCCESS(f"Laporan demo: {done}."))
        else:
            self.stdout.write("Laporan demo sudah ada; tidak dibuat ulang.")
