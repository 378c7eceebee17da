"""Background jobs of the register (run by `manage.py db_worker`)."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from .models import ImportBatch
from .services import register_import

logger = logging.getLogger(__name__)


@task()
def register_import_task(batch_id: int, confirm: bool) -> str:
    """Check (``confirm`` False: preview only) or import an uploaded register extract."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)

    def on_progress(value: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress=value)

    try:
        batch = register_import(
            actor=batch.created_by, path=batch.file.path, scope_code=batch.scope_code,
            layout=batch.layout or "auto", dry_run=not confirm,
            skip_invalid=batch.skip_invalid, original_name=batch.file_name, batch=batch,
            on_progress=on_progress,
        )
    except Exception:
        logger.exception("register import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, progress=100,
            message=_("Terjadi kesalahan sistem saat memproses file; register tidak berubah. "
                      "Hubungi Manajer SLRT kabupaten."),
        )
        raise
    return batch.status
