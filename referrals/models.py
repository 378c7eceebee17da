"""Complaints and referrals. For now: the agency catalogue that programmes and
referrals point to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """An agency that receives referrals or complaints about a programme (catalogue data)."""

    class Level(models.TextChoices):
        NATIONAL = "nasional", _("Nasional")
        PROVINCIAL = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten/Kota")
        DISTRICT = "kecamatan", _("Kecamatan")
        VILLAGE = "desa", _("Desa")
        OTHER = "lainnya", _("Lainnya (bank, penyalur, mitra)")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    address = models.TextField(_("alamat"), blank=True)
    phone = models.CharField(_("telepon"), max_length=50, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("instansi rujukan")
        verbose_name_plural = _("instansi rujukan")
        ordering = ["name"]

    def __str__(self):
        return self.name
