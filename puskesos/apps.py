from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PuskesosConfig(AppConfig):
    # This module also holds the two renamed third-party configs below.
    default = True
    name = "puskesos"
    verbose_name = _("Organisasi")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.models import Group, User

        from . import models

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        auditlog.register(Group, m2m_fields={"permissions"})
        auditlog.register(models.Regency)
        auditlog.register(models.District)
        auditlog.register(models.Village)
        auditlog.register(models.StaffProfile)


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog, named in Indonesian in the admin."""

    default = False
    verbose_name = _("Jejak audit: perubahan data")


class LoginSecurityConfig(AxesConfig):
    """django-axes, named in Indonesian in the admin."""

    default = False
    verbose_name = _("Jejak audit: masuk dan keluar")
