"""The front office: queue tickets, desk visits (who came, why, about whom) and the
documents they brought."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import mask_nik
from puskesos.models import Village

digits = RegexValidator(r"^\d*$", _("Hanya angka."))


class QueueTicket(models.Model):
    """A queue number (A-001, A-002, …) of one village on one day."""

    PREFIX = "A"

    class Status(models.TextChoices):
        WAITING = "menunggu", _("Menunggu")
        CALLED = "dipanggil", _("Dipanggil")
        SERVED = "dilayani", _("Dilayani")
        ABSENT = "tidak_hadir", _("Tidak hadir")

    village = models.ForeignKey(Village, models.PROTECT, related_name="queue_tickets",
                                verbose_name=_("desa/kelurahan"))
    date = models.DateField(_("tanggal"))
    number = models.PositiveIntegerField(_("nomor"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.WAITING)
    created_at = models.DateTimeField(_("diambil pada"), auto_now_add=True)
    called_at = models.DateTimeField(_("dipanggil pada"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dibuat oleh"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="+",
                                  verbose_name=_("dipanggil oleh"))

    class Meta:
        verbose_name = _("nomor antrian")
        verbose_name_plural = _("nomor antrian")
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "date", "number"],
                                    name="queueticket_gapless_number"),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("queue-slip", args=[self.pk])

    @property
    def code(self):
        return f"{self.PREFIX}-{self.number:03d}"


class Visit(models.Model):
    """One visit to the desk (or a home visit, a call, a message, a letter)."""

    class Channel(models.TextChoices):
        DESK = "datang", _("Datang ke Puskesos")
        HOME_VISIT = "kunjungan_rumah", _("Kunjungan rumah (Fasilitator)")
        PHONE = "telepon", _("Telepon")
        WHATSAPP = "whatsapp", _("WhatsApp")
        LETTER = "surat", _("Surat")

    class Purpose(models.TextChoices):
        INFORMATION = "informasi", _("Informasi")
        COMPLAINT = "pengaduan", _("Pengaduan")
        REGISTRATION = "pendaftaran", _("Pendaftaran ke register (DTKS)")
        CONSULTATION = "konsultasi", _("Konsultasi")

    class Relation(models.TextChoices):
        SELF = "sendiri", _("Diri sendiri")
        FAMILY = "keluarga", _("Anggota keluarga")
        NEIGHBOUR = "tetangga", _("Tetangga/kerabat")
        OFFICIAL = "aparat", _("RT/RW/kader/aparat")
        OTHER = "lainnya", _("Lainnya")

    village = models.ForeignKey(Village, models.PROTECT, related_name="visits",
                                verbose_name=_("desa/kelurahan"))
    # Sent with the form when it is first shown: saving the same form twice (a double
    # click, a retried request) finds the first visit instead of making a second.
    submission_key = models.UUIDField(_("kunci pengiriman"), unique=True, default=uuid.uuid4,
                                      editable=False)
    queue_ticket = models.OneToOneField(QueueTicket, models.PROTECT, null=True, blank=True,
                                        related_name="visit", verbose_name=_("nomor antrian"))
    channel = models.CharField(_("saluran"), max_length=20, choices=Channel.choices,
                               default=Channel.DESK)
    purpose = models.CharField(_("keperluan"), max_length=20, choices=Purpose.choices)
    # The person the visit is about (the subject)…
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[digits],
                           db_index=True)
    name = models.CharField(_("nama"), max_length=150)
    no_kk = models.CharField(_("nomor KK"), max_length=16, blank=True, validators=[digits])
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[digits])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[digits])
    phone = models.CharField(_("telepon/WA"), max_length=30, blank=True)
    person = models.ForeignKey("beneficiaries.Person", models.SET_NULL, null=True, blank=True,
                               related_name="visits", verbose_name=_("orang di register"))
    household = models.ForeignKey("beneficiaries.Household", models.SET_NULL, null=True,
                                  blank=True, related_name="visits",
                                  verbose_name=_("rumah tangga di register"))
    in_register = models.BooleanField(_("terdaftar di register"), default=False)
    # …and who came, when it is someone else on the subject's behalf.
    reporter_relation = models.CharField(_("pelapor"), max_length=12,
                                         choices=Relation.choices, default=Relation.SELF)
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_nik = models.CharField(_("NIK pelapor"), max_length=16, blank=True,
                                    validators=[digits])
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=30, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    proposal = models.ForeignKey("beneficiaries.PreListProposal", models.SET_NULL, null=True,
                                 blank=True, related_name="visits",
                                 verbose_name=_("usulan daftar awal"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.get_purpose_display()})"

    def get_absolute_url(self):
        return reverse("visit-detail", args=[self.pk])

    @property
    def nik_masked(self):
        return mask_nik(self.nik) if self.nik else ""


def attachment_path(instance, filename):
    return f"attachments/{instance.visit.village.code}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A document brought to the desk: checked by content, photos re-encoded without
    EXIF; a house photo's GPS position is kept as coordinates."""

    class Kind(models.TextChoices):
        KTP = "ktp", _("KTP")
        KK = "kk", _("Kartu Keluarga")
        HOUSE_PHOTO = "foto_rumah", _("Foto rumah")
        OTHER = "lainnya", _("Dokumen lain")

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="attachments",
                              verbose_name=_("kunjungan"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("nama file asli"), max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=50)
    extension = models.CharField(_("ekstensi"), max_length=8)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    created_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("attachment-download", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
