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
