"""Periodic reports: the Koordinator's narrative for a period, the issued (frozen)
village reports, and the kecamatan/kabupaten reports built in the background."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from puskesos.models import District, Regency, Village

from .periods import KIND_LABELS, Period

KIND_CHOICES = [(kind, label) for kind, label in KIND_LABELS.items()]


class ReportNarrative(models.Model):
    """What the Koordinator writes for a village's report of one period: notes,
    obstacles and plans. Editable until the report is issued; issuing copies it."""

    village = models.ForeignKey(Village, models.PROTECT, related_name="+",
                                verbose_name=_("desa/kelurahan"))
    period_key = models.CharField(_("periode"), max_length=8)
    notes = models.TextField(_("catatan kegiatan"), blank=True)
    obstacles = models.TextField(_("kendala"), blank=True)
    plans = models.TextField(_("rencana tindak lanjut"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("diubah oleh"))
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("narasi laporan")
        verbose_name_plural = _("narasi laporan")
        constraints = [models.UniqueConstraint(fields=["village", "period_key"],
                                               name="reportnarrative_once_per_period")]

    def __str__(self):
        return f"{self.village.code} {self.period_key}"

    def as_dict(self) -> dict:
        return {"notes": self.notes, "obstacles": self.obstacles, "plans": self.plans}


def issued_pdf_path(instance, filename):
    return f"reports/{instance.village.code}/{instance.period_key}-v{instance.version}-" \
           f"{uuid.uuid4().hex[:8]}.pdf"


def signed_scan_path(instance, filename):
    return f"reports/{instance.village.code}/{instance.period_key}-v{instance.version}-" \
           f"ttd-{uuid.uuid4().hex[:8]}{instance.signed_scan_extension}"


class ImmutableReport(Exception):
    """Raised when code tries to change or delete an issued report."""


class IssuedReportQuerySet(models.QuerySet):
    """Bulk writes cannot get around the model: no bulk delete, and a bulk update may
    only touch the signing fields of reports not signed yet."""

    def delete(self):
        raise ImmutableReport("issued reports cannot be deleted")

    def update(self, **kwargs):
        if not set(kwargs) <= set(IssuedReport.SIGNING_FIELDS) or self.filter(
                signed_at__isnull=False).exists():
            raise ImmutableReport("issued reports cannot be changed")
        return super().update(**kwargs)


class IssuedReport(models.Model):
    """A village report as issued («Terbitkan»): the PDF and the figures frozen with a
    number and the issuer. Issuing again makes a new version; nothing is ever
    overwritten or deleted. Only the signing fields are set, once, afterwards."""

    # The only fields that may change after issuing, each once (from empty).
    SIGNING_FIELDS = ("signed_at", "signed_by", "signed_scan", "signed_scan_content_type",
                      "signed_scan_extension")

    village = models.ForeignKey(Village, models.PROTECT, related_name="issued_reports",
                                verbose_name=_("desa/kelurahan"))
    period_key = models.CharField(_("periode"), max_length=8)
    kind = models.CharField(_("jenis"), max_length=10, choices=KIND_CHOICES)
    period_label = models.CharField(_("nama periode"), max_length=40)
    version = models.PositiveSmallIntegerField(_("versi"))
    number = models.CharField(_("nomor laporan"), max_length=60, unique=True)
    sequence = models.PositiveIntegerField(_("nomor urut"), editable=False)
    year = models.PositiveSmallIntegerField(_("tahun penomoran"), editable=False)
    figures = models.JSONField(_("angka laporan"))
    narrative = models.JSONField(_("narasi"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to=issued_pdf_path)
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("diterbitkan oleh"))
    issued_at = models.DateTimeField(_("diterbitkan pada"))
    signed_at = models.DateTimeField(_("ditandatangani pada"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("ditandai ditandatangani oleh"))
    signed_scan = models.FileField(_("pindaian bertanda tangan"), upload_to=signed_scan_path,
                                   blank=True)
    signed_scan_content_type = models.CharField(_("jenis isi pindaian"), max_length=50,
                                                blank=True)
    signed_scan_extension = models.CharField(_("ekstensi pindaian"), max_length=8, blank=True)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("laporan terbit")
        verbose_name_plural = _("laporan terbit")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["village", "period_key", "version"],
                                    name="issuedreport_unique_version"),
            models.UniqueConstraint(fields=["village", "year", "sequence"],
                                    name="issuedreport_gapless_number"),
        ]
        permissions = [("sign_issuedreport", _("Menandai laporan sudah ditandatangani"))]

    def __str__(self):
        return f"{self.number} ({self.period_label}, v{self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_changes()
            # Only the signing fields are written after issuing.
            kwargs["update_fields"] = [
                name for name in (kwargs.get("update_fields") or self.SIGNING_FIELDS)
                if name in self.SIGNING_FIELDS
            ]
        super().save(*args, **kwargs)

    def _refuse_changes(self):
        stored = IssuedReport.objects.filter(pk=self.pk).values().first()
        if stored is None:
            raise ImmutableReport("issued report vanished")
        for field in self._meta.concrete_fields:
            name, column = field.name, field.attname
            current = getattr(self, column)
            if isinstance(field, models.FileField):
                current = current.name if current else ""
            before = stored[column]
            if name in self.SIGNING_FIELDS:
                if before not in (None, "") and current != before:
                    raise ImmutableReport(f"{name} is already set")
            elif current != before:
                raise ImmutableReport(f"an issued report cannot change ({name})")

    def delete(self, *args, **kwargs):
        raise ImmutableReport("an issued report cannot be deleted")

    @property
    def period(self) -> Period:
        return Period.parse(self.period_key)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class AreaReport(models.Model):
    """A kecamatan or kabupaten report (each village and the total) for a period,
    built in the background by the worker; downloadable when done."""

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu giliran")
        RUNNING = "diproses", _("Sedang disusun")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("kecamatan"))
    regency = models.ForeignKey(Regency, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("kabupaten/kota"))
    period_key = models.CharField(_("periode"), max_length=8)
    kind = models.CharField(_("jenis"), max_length=10, choices=KIND_CHOICES)
    period_label = models.CharField(_("nama periode"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    village_count = models.PositiveIntegerField(_("jumlah desa"), default=0)
    figures = models.JSONField(_("angka laporan"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/area/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="reports/area/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                     related_name="+", verbose_name=_("diminta oleh"))
    created_at = models.DateTimeField(_("diminta pada"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("laporan wilayah")
        verbose_name_plural = _("laporan wilayah")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="areareport_one_area",
                condition=(models.Q(district__isnull=False, regency__isnull=True)
                           | models.Q(district__isnull=True, regency__isnull=False)),
            )
        ]

    def __str__(self):
        return f"{self.area_label} — {self.period_label}"

    @property
    def area(self):
        return self.district or self.regency

    @property
    def area_label(self) -> str:
        if self.district_id:
            return f"Kecamatan {self.district.name}"
        return str(self.regency)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def clean(self):
        if bool(self.district_id) == bool(self.regency_id):
            raise ValidationError(_("Pilih tepat satu wilayah: kecamatan atau kabupaten."))


class RegisterTally(models.Model):
    """The register counted for the dashboard: households present in the latest extract
    per village, dusun, desil and *set of programmes held* (``programmes``: the ids of
    the programmes of the household's active participations, comma-separated, in no
    particular order; "" for none).

    Counting a kabupaten's 300,000 households through their million participations takes
    most of a second; these few rows per village answer the dashboard in milliseconds.
    They are never edited by hand: database triggers on households and participations
    mark a village stale (:class:`StaleTally`) on every write, however it is made (the
    ORM, the import's set-based SQL, the admin), and :func:`reports.tally.refresh`
    recounts stale villages before any read, so the figures are always those of the
    register now."""

    village = models.ForeignKey(Village, models.CASCADE, related_name="+")
    dusun = models.CharField(max_length=60, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)
    programmes = models.TextField(blank=True)
    households = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("rekap register dasbor")
        verbose_name_plural = _("rekap register dasbor")
        indexes = [models.Index(fields=["village", "dusun"], name="tally_village_dusun")]

    def __str__(self):
        return f"{self.village_id}/{self.dusun}/{self.desil}/{self.programmes}: {self.households}"


class StaleTally(models.Model):
    """A village whose :class:`RegisterTally` rows must be recounted: written by the
    triggers (never by application code), removed by :func:`reports.tally.refresh`.
    ``village_id`` is a plain number: a village being deleted has its households'
    triggers fire first."""

    village_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("rekap register yang perlu dihitung ulang")
        verbose_name_plural = _("rekap register yang perlu dihitung ulang")

    def __str__(self):
        return str(self.village_id)
