"""Background jobs of the reports (run by `manage.py db_worker`)."""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import AreaReport
from .services import area_report_build
from .tally import refresh

logger = logging.getLogger(__name__)


@task()
def area_report_task(report_id: int) -> str:
    """Build a kecamatan/kabupaten report: figures per village and in total, PDF, XLSX."""

    def on_progress(value: int) -> None:
        AreaReport.objects.filter(pk=report_id).update(progress=value)

    try:
        report = area_report_build(report_id, on_progress=on_progress)
    except Exception:
        logger.exception("area report %s failed", report_id)
        AreaReport.objects.filter(pk=report_id).update(
            status=AreaReport.Status.FAILED, progress=100, finished_at=timezone.now(),
            message=_("Terjadi kesalahan sistem saat menyusun laporan. Coba minta ulang; bila "
                      "tetap gagal, hubungi Manajer SLRT kabupaten."))
        raise
    return report.status


@task()
def refresh_tally_task() -> int:
    """Recount the villages a register import marked (see :mod:`reports.tally`), so that
    the first dashboard after a kabupaten-wide import does not pay for it."""
    return refresh()
