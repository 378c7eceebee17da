"""Writes on the register: importing extracts."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from puskesos.models import District, Regency, Village
from puskesos.scoping import visible_villages

from .importing.parallel import check_extract, scan_file
from .importing.readers import ReaderError, open_extract
from .importing.report import write_report
from .importing.rows import ERROR, Problem, RowChecker, VillageResolver
from .importing.store import Conflicts, store
from .models import ImportBatch

PREVIEW_PROBLEMS = 200


def import_scope(code: str) -> tuple[list[Village], Village | None]:
    """The villages a register import for a desa, kecamatan or kabupaten code covers."""
    code = (code or "").strip()
    villages = Village.objects.select_related("district")
    parts = code.split(".")
    if len(parts) == 4:
        village = villages.filter(code=code).first()
        if village is None:
            raise ValidationError(_("Desa dengan kode %(code)s tidak ada.") % {"code": code})
        return [village], village
    if len(parts) == 3 and District.objects.filter(code=code).exists():
        return list(villages.filter(district__code=code)), None
    if len(parts) == 2 and Regency.objects.filter(code=code).exists():
        return list(villages.filter(district__regency__code=code)), None
    raise ValidationError(
        _("Kode wilayah %(code)s tidak dikenal. Gunakan kode Kemendagri desa (32.04.17.2001), "
          "kecamatan (32.04.17) atau kabupaten (32.04).") % {"code": code})


def register_import(
    *,
    actor,
    path: str | Path,
    scope_code: str,
    layout: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    report_path: str | Path | None = None,
    original_name: str | None = None,
    batch: ImportBatch | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Load a DTKS/BDT/DTSEN extract into the register of a desa, kecamatan or kabupaten.

    All or nothing by default: a file with any invalid row changes nothing and the batch
    ends ``rejected`` with every problem listed. With ``skip_invalid`` the valid rows are
    imported and the rest reported. People are matched by NIK (or register member ID),
    households by register ID; whoever the new extract no longer lists is marked
    "not in the latest extract", never deleted. Every attempt is recorded as an
    :class:`ImportBatch`. ``actor`` None means the operator at the command line.
    """
    path = Path(path)
    villages, fixed = import_scope(scope_code)
    if actor is not None:
        allowed = set(visible_villages(actor).values_list("pk", flat=True))
        if not actor.has_perm("beneficiaries.add_importbatch") or not villages or any(
            v.pk not in allowed for v in villages
        ):
            raise PermissionDenied(_("Anda tidak berwenang mengimpor register untuk wilayah ini."))
    scan = scan_file(path)  # checksum, and where the file can be cut for parallel checking
    checksum, size = scan.checksum, scan.size
    if batch is None:
        batch = ImportBatch(created_by=actor)
    batch.scope_code = scope_code
    batch.village = fixed
    batch.file_name = original_name or path.name
    batch.checksum = checksum
    batch.size = size
    batch.dry_run = dry_run
    batch.skip_invalid = skip_invalid
    batch.status = ImportBatch.Status.VALIDATING
    batch.save()

    def progress(value: int) -> None:
        if on_progress is not None:
            on_progress(value)

    problems: list[Problem] = []
    started = time.monotonic()
    spool_fd, spool_path = tempfile.mkstemp(prefix="puskesos-import-", suffix=".tsv")
    try:
        try:
            with open_extract(path, layout=layout, original_name=batch.file_name) as extract:
                batch.layout = extract.layout
                checker = RowChecker(
                    fields=extract.fields, headers=extract.headers, layout=extract.layout,
                    resolver=VillageResolver(villages, fixed=fixed),
                    today=timezone.localdate(),
                )
                estimated = max(1, size // 220)
                with os.fdopen(spool_fd, "w", encoding="utf-8") as spool:
                    checked = check_extract(
                        extract, checker, spool, scan,
                        on_rows=lambda rows: progress(min(90, rows * 90 // estimated)),
                    )
                collector = checked.collector
                problems.extend(checked.problems)
                # Rows the reader could not split into the header's columns.
                for line_no, message in checked.skipped_rows:
                    problems.append(Problem(line_no, _("(seluruh baris)"), "", message))
                rows = checked.rows + checked.skipped_count
        except ReaderError as error:
            return _finish(batch, ImportBatch.Status.REJECTED, message=error.message,
                           problems=[], report_path=report_path)

        if rows == 0:
            return _finish(batch, ImportBatch.Status.REJECTED, problems=[],
                           report_path=report_path,
                           message=_("File tidak berisi baris data di bawah judul kolom."))
        error_rows = {p.row for p in problems if p.level == ERROR}
        counts = {
            "seconds_check": round(time.monotonic() - started, 2),
            "rows": rows,
            "rows_invalid": len(error_rows),
            "rows_valid": rows - len(error_rows),
            "warnings": sum(1 for p in problems if p.level != ERROR),
        }
        batch.counts = counts
        if error_rows and not skip_invalid:
            return _finish(
                batch, ImportBatch.Status.REJECTED, problems=problems, report_path=report_path,
                message=_("Tidak ada yang diubah: %(n)d dari %(rows)d baris bermasalah. "
                          "Perbaiki file lalu impor ulang, atau pilih lewati baris "
                          "bermasalah.") % {"n": len(error_rows), "rows": rows})
        if not dry_run:
            batch.status = ImportBatch.Status.IMPORTING
            batch.save(update_fields=["status", "counts", "layout"])
        progress(92)
        stored = time.monotonic()
        try:
            # A dry run (the web preview) runs the very same merge and rolls it back, so its
            # counts and its clashes with the register are exactly those of the import.
            with transaction.atomic():
                result = store(batch=batch, collector=collector, spool_path=spool_path,
                               skip_invalid=skip_invalid)
                if dry_run:
                    transaction.set_rollback(True)
        except Conflicts as conflicts:
            problems.extend(conflicts.problems)
            batch.counts["rows_invalid"] = len({p.row for p in problems if p.level == ERROR})
            return _finish(
                batch, ImportBatch.Status.REJECTED, problems=problems, report_path=report_path,
                message=_("Tidak ada yang diubah: %(n)d baris bertentangan dengan register "
                          "yang sudah ada.") % {"n": len(conflicts.problems)})
        problems.extend(result.problems)
        batch.counts.update(result.counts)
        batch.counts["seconds_store"] = round(time.monotonic() - stored, 2)
        batch.counts["rows_invalid"] = len({p.row for p in problems if p.level == ERROR})
        batch.counts["rows_valid"] = result.counts["people"]
        if not dry_run:
            # Profile changes recorded at the desk that the new extract now shows.
            from .upkeep import confirm_changes_from_register

            villages, _village = import_scope(batch.scope_code)
            batch.counts["changes_confirmed"] = confirm_changes_from_register(
                [v.pk for v in villages])
        if dry_run:
            return _finish(
                batch, ImportBatch.Status.PREVIEW, problems=problems, report_path=report_path,
                message=_("Uji coba: %(people)d orang dalam %(households)d rumah tangga siap "
                          "diimpor; belum ada yang diubah.") % result.counts)
        return _finish(batch, ImportBatch.Status.DONE, problems=problems, report_path=report_path,
                       message=_("Impor selesai: %(people)d orang dalam %(households)d rumah "
                                 "tangga.") % result.counts)
    finally:
        try:
            os.unlink(spool_path)
        except FileNotFoundError:
            pass


def _finish(batch, status, *, problems, report_path, message="") -> ImportBatch:
    batch.status = status
    batch.message = message
    batch.problem_count = len(problems)
    ordered = sorted(problems, key=lambda p: (p.row, p.column))
    batch.problems = [
        {"row": p.row, "column": p.column, "value": p.value[:80], "reason": p.reason,
         "level": p.level}
        for p in ordered[:PREVIEW_PROBLEMS]
    ]
    if report_path:
        write_report(report_path, problems)
    if problems:
        with tempfile.TemporaryDirectory() as folder:
            written = write_report(Path(folder) / f"masalah-impor-{batch.pk}.xlsx", problems)
            with written.open("rb") as handle:
                batch.report.save(written.name, File(handle), save=False)
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()
    return batch
