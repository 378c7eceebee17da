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
        # Records of the desk and the workflow: every change attributed.
        from beneficiaries.models import (
            MeetingDecision,
            PreListProposal,
            Programme,
            ProposalMember,
            VillageMeeting,
        )
        from intake.models import Attachment, Visit
        from referrals.models import Agency, Complaint, Sector

        for model in (Programme, PreListProposal, ProposalMember, VillageMeeting,
                      MeetingDecision, Visit, Attachment, Agency, Complaint, Sector):
            auditlog.register(model)


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog, named in Indonesian in the admin."""

    default = False
    verbose_name = _("Jejak audit: perubahan data")


class LoginSecurityConfig(AxesConfig):
    """django-axes, named in Indonesian in the admin."""

    default = False
    verbose_name = _("Jejak audit: masuk dan keluar")
