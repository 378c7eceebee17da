from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Laporan")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_save

        from beneficiaries.models import ImportBatch

        def recount_after_import(sender, instance, **kwargs):
            """A finished register import changed many villages at once: the worker
            recounts them for the dashboard (reports.tally) once the import commits."""
            if instance.status == ImportBatch.Status.DONE:
                from .tasks import refresh_tally_task

                transaction.on_commit(refresh_tally_task.enqueue)

        post_save.connect(recount_after_import, sender=ImportBatch,
                          dispatch_uid="reports.recount_after_import")
