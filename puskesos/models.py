"""The organisation: regions with Kemendagri codes, the village's Puskesos profile,
and staff membership (a user belongs to a village, a kecamatan or a kabupaten)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

regency_code_validator = RegexValidator(
    r"^\d{2}\.\d{2}$", _("Kode kabupaten/kota Kemendagri berbentuk 32.04.")
)
district_code_validator = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}$", _("Kode kecamatan Kemendagri berbentuk 32.04.17.")
)
village_code_validator = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", _("Kode desa/kelurahan Kemendagri berbentuk 32.04.17.2001.")
)


class Regency(models.Model):
    """Kabupaten/Kota: the level of the SLRT and its Manajer."""

    code = models.CharField(
        _("kode Kemendagri"), max_length=5, unique=True, validators=[regency_code_validator]
    )
    name = models.CharField(_("nama"), max_length=100)
    bps_code = models.CharField(_("kode BPS"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        ordering = ["code"]

    def __str__(self):
        return self.name


class District(models.Model):
    """Kecamatan: the level of the SLRT Supervisor."""

    regency = models.ForeignKey(
        Regency, models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota")
    )
    code = models.CharField(
        _("kode Kemendagri"), max_length=8, unique=True, validators=[district_code_validator]
    )
    name = models.CharField(_("nama"), max_length=100)
    bps_code = models.CharField(_("kode BPS"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]

    def __str__(self):
        return f"Kec. {self.name}"


class Village(models.Model):
    """Desa/Kelurahan with its Puskesos profile: the unit every record belongs to."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    district = models.ForeignKey(
        District, models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    code = models.CharField(
        _("kode Kemendagri"), max_length=13, unique=True, validators=[village_code_validator]
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.DESA)
    bps_code = models.CharField(_("kode BPS"), max_length=10, blank=True, db_index=True)
    puskesos_name = models.CharField(
        _("nama Puskesos"), max_length=100, blank=True, help_text=_("Misalnya Puskesos Silih Asih.")
    )
    address = models.TextField(_("alamat kantor"), blank=True)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    logo = models.ImageField(
        _("logo kop surat"), upload_to="village-logos/", blank=True,
        help_text=_("Gambar PNG/JPG untuk kop surat dan laporan."),
    )
    head_title = models.CharField(
        _("sebutan kepala"), max_length=30, default="Kepala Desa",
        help_text=_("Kepala Desa atau Lurah, sebagaimana tertulis di tanda tangan."),
    )
    head_name = models.CharField(_("nama Kepala Desa/Lurah"), max_length=100, blank=True)
    coordinator_name = models.CharField(_("nama Koordinator Puskesos"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        ordering = ["code"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @property
    def regency(self):
        return self.district.regency


class StaffProfile(models.Model):
    """Where a staff member works. Roles are the user's groups (see roles.py).

    Village staff belong to a village; a Supervisor to a kecamatan; a Manajer to a
    kabupaten. Exactly one of the three is set.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile",
        verbose_name=_("pengguna"),
    )
    village = models.ForeignKey(
        Village, models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("desa/kelurahan"),
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("kecamatan"),
    )
    regency = models.ForeignKey(
        Regency, models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("kabupaten/kota"),
    )
    job_title = models.CharField(_("jabatan"), max_length=100, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("profil petugas")
        verbose_name_plural = _("profil petugas")
        constraints = [
            models.CheckConstraint(
                name="staffprofile_exactly_one_unit",
                condition=(
                    Q(village__isnull=False, district__isnull=True, regency__isnull=True)
                    | Q(village__isnull=True, district__isnull=False, regency__isnull=True)
                    | Q(village__isnull=True, district__isnull=True, regency__isnull=False)
                ),
                violation_error_message=_(
                    "Pilih tepat satu unit kerja: desa, kecamatan, atau kabupaten."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} — {self.unit}"

    @property
    def unit(self):
        return self.village or self.district or self.regency


class Counter(models.Model):
    """The last number handed out in one gapless sequence of a village (queue tickets
    of a day, complaint registrations of a month). See :mod:`puskesos.sequences`."""

    village = models.ForeignKey(Village, models.CASCADE, related_name="+",
                                verbose_name=_("desa/kelurahan"))
    key = models.CharField(_("urutan"), max_length=40)
    last = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        verbose_name = _("penghitung nomor")
        verbose_name_plural = _("penghitung nomor")
        constraints = [
            models.UniqueConstraint(fields=["village", "key"], name="counter_unique_key"),
        ]

    def __str__(self):
        return f"{self.village.code} {self.key}: {self.last}"
