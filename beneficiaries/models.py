"""The beneficiary register (DTKS / DTSEN / BDT extracts): households, families and
people; the programme and PPKS catalogues; who receives what; the import history."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from puskesos.models import Village

from .identity import mask_kk, mask_nik


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "nasional", _("Nasional")
    PROVINCIAL = "provinsi", _("Provinsi")
    REGENCY = "kabupaten", _("Kabupaten/Kota")
    VILLAGE = "desa", _("Desa")
    CSR = "csr", _("CSR / mitra swasta")


class Programme(models.Model):
    """A social-protection programme (catalogue data, editable by the Manajer)."""

    class Unit(models.TextChoices):
        HOUSEHOLD = "keluarga", _("Keluarga/rumah tangga")
        PERSON = "individu", _("Individu")

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=30)
    level = models.CharField(_("tingkat"), max_length=10, choices=ProgrammeLevel.choices)
    unit = models.CharField(_("sasaran"), max_length=10, choices=Unit.choices)
    criteria = models.TextField(_("kriteria"), blank=True)
    benefits = models.TextField(_("manfaat"), blank=True)
    required_documents = models.TextField(_("dokumen yang diperlukan"), blank=True)
    complaint_agency = models.ForeignKey(
        "referrals.Agency", models.SET_NULL, null=True, blank=True,
        verbose_name=_("instansi penerima pengaduan"),
    )
    in_extracts = models.BooleanField(
        _("tercatat di ekstrak DTKS"), default=False,
        help_text=_("Kepesertaan dibaca dari kolom penanda di file register."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["order", "code"]

    def __str__(self):
        return self.short_name


class PpksCluster(models.Model):
    """One of the 7 clusters of PP 39/2012 used to group PPKS in reports."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        verbose_name = _("klaster PPKS")
        verbose_name_plural = _("klaster PPKS")
        ordering = ["order"]

    def __str__(self):
        return self.name


class PpksType(models.Model):
    """One of the 26 PPKS types (Permensos 8/2012); its cluster is editable data."""

    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    cluster = models.ForeignKey(PpksCluster, models.PROTECT, related_name="types",
                                verbose_name=_("klaster"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        verbose_name = _("jenis PPKS")
        verbose_name_plural = _("jenis PPKS")
        ordering = ["order"]

    def __str__(self):
        return self.name


class ImportBatch(models.Model):
    """One register extract loaded (or tried): file, checksum, who, when, counts."""

    class Layout(models.TextChoices):
        DTKS = "dtks", _("DTKS / SIKS-NG")
        BDT2015 = "bdt2015", _("BDT 2015")
        DTSEN = "dtsen", _("DTSEN")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        VALIDATING = "validating", _("Memeriksa")
        PREVIEW = "preview", _("Siap dikonfirmasi")
        IMPORTING = "importing", _("Mengimpor")
        DONE = "done", _("Selesai")
        REJECTED = "rejected", _("Ditolak (ada masalah)")
        FAILED = "failed", _("Gagal")
        CANCELLED = "cancelled", _("Dibatalkan")

    scope_code = models.CharField(
        _("wilayah"), max_length=13,
        help_text=_("Kode desa, kecamatan atau kabupaten yang dicakup file ini."),
    )
    village = models.ForeignKey(
        Village, models.PROTECT, null=True, blank=True, related_name="import_batches",
        verbose_name=_("desa/kelurahan"),
    )
    file_name = models.CharField(_("nama file"), max_length=255)
    file = models.FileField(_("file"), upload_to="register-imports/", blank=True)
    checksum = models.CharField(_("checksum SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("ukuran (bita)"), default=0)
    layout = models.CharField(_("format"), max_length=10, choices=Layout.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    skip_invalid = models.BooleanField(_("lewati baris bermasalah"), default=False)
    dry_run = models.BooleanField(_("uji coba saja"), default=False)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    counts = models.JSONField(_("hitungan"), default=dict, blank=True)
    problems = models.JSONField(_("masalah (contoh)"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("jumlah masalah"), default=0)
    report = models.FileField(_("laporan masalah"), upload_to="register-import-reports/",
                              blank=True)
    message = models.TextField(_("pesan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, verbose_name=_("oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor register")
        verbose_name_plural = _("impor register")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d-%m-%Y %H:%M})"


class Household(models.Model):
    """Rumah tangga as the register knows it (ID DTKS / IDBDT / DTSEN family ID)."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Ada di ekstrak terbaru")
        ABSENT = "tidak_ada", _("Tidak ada di ekstrak terbaru")

    village = models.ForeignKey(Village, models.PROTECT, related_name="households",
                                verbose_name=_("desa/kelurahan"))
    register_id = models.CharField(_("ID register"), max_length=40, unique=True,
                                   help_text=_("ID DTKS, IDBDT atau ID keluarga DTSEN."))
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    desil = models.PositiveSmallIntegerField(
        _("desil"), null=True, blank=True, validators=[MinValueValidator(1),
                                                        MaxValueValidator(10)])
    percentile = models.PositiveSmallIntegerField(_("persentil"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE)
    last_batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("impor terakhir"))
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("rumah tangga")
        verbose_name_plural = _("rumah tangga")
        permissions = [("export_register", _("Dapat mengekspor daftar register ke XLSX"))]
        indexes = [models.Index(fields=["village", "dusun", "rt"], name="hh_village_dusun_rt")]

    def __str__(self):
        return self.register_id

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("household-detail", args=[self.pk])


class Family(models.Model):
    """Keluarga: one Kartu Keluarga within a household."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="families",
                                  verbose_name=_("rumah tangga"))
    no_kk = models.CharField(_("nomor KK"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")

    def __str__(self):
        return mask_kk(self.no_kk)


class Relation(models.IntegerChoices):
    HEAD = 1, _("Kepala Keluarga")
    HUSBAND = 2, _("Suami")
    WIFE = 3, _("Istri")
    CHILD = 4, _("Anak")
    CHILD_IN_LAW = 5, _("Menantu")
    GRANDCHILD = 6, _("Cucu")
    PARENT = 7, _("Orang tua")
    PARENT_IN_LAW = 8, _("Mertua")
    OTHER_RELATIVE = 9, _("Famili lain")
    HELPER = 10, _("Pembantu")
    OTHER = 11, _("Lainnya")


class Person(models.Model):
    """A household member (ART) with their NIK."""

    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    class Status(models.TextChoices):
        PRESENT = "ada", _("Ada")
        MOVED = "pindah", _("Pindah")
        DIED = "meninggal", _("Meninggal")
        ABSENT = "tidak_ada", _("Tidak ada di ekstrak terbaru")

    household = models.ForeignKey(Household, models.CASCADE, related_name="members",
                                  verbose_name=_("rumah tangga"))
    family = models.ForeignKey(Family, models.SET_NULL, null=True, blank=True,
                               related_name="members", verbose_name=_("keluarga"))
    # Denormalised from the household: every list and look-up filters by village.
    village = models.ForeignKey(Village, models.PROTECT, related_name="+",
                                verbose_name=_("desa/kelurahan"))
    nik = models.CharField(_("NIK"), max_length=16, unique=True, null=True, blank=True)
    member_id = models.CharField(_("ID anggota register"), max_length=40, unique=True,
                                 null=True, blank=True, help_text=_("IDARTBDT bila ada."))
    name = models.CharField(_("nama"), max_length=150)
    # The name in a spelling-neutral form (see beneficiaries/names.py), for fuzzy look-up.
    name_key = models.CharField(_("kunci nama"), max_length=150, blank=True, editable=False)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    relation = models.PositiveSmallIntegerField(_("hubungan keluarga"), choices=Relation.choices,
                                                null=True, blank=True)
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    disability = models.BooleanField(_("disabilitas"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PRESENT)
    last_batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("impor terakhir"))
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("anggota rumah tangga")
        verbose_name_plural = _("anggota rumah tangga")
        indexes = [
            models.Index(fields=["village", "status"], name="person_village_status"),
            models.Index(fields=["household", "relation"], name="person_household_rel"),
            # Near-duplicate checks of proposals: same birth date, similar name.
            models.Index(fields=["birth_date"], name="person_birth_date"),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik) if self.nik else "—"


class Participation(models.Model):
    """Who receives which programme, since when, according to which source."""

    class Source(models.TextChoices):
        EXTRACT = "ekstrak", _("Ekstrak register")
        DESK = "meja", _("Dicatat di meja layanan")
        FACILITATOR = "fasilitator", _("Kunjungan Fasilitator")

    household = models.ForeignKey(Household, models.CASCADE, related_name="participations",
                                  verbose_name=_("rumah tangga"))
    person = models.ForeignKey(Person, models.CASCADE, null=True, blank=True,
                               related_name="participations", verbose_name=_("individu"))
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="participations",
                                  verbose_name=_("program"))
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    since = models.DateField(_("sejak"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    last_batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("impor terakhir"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("kepesertaan program")
        verbose_name_plural = _("kepesertaan program")
        indexes = [models.Index(fields=["programme", "active"], name="participation_prog")]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "programme", "source"],
                condition=models.Q(person__isnull=True),
                name="participation_unique_household",
            ),
            models.UniqueConstraint(
                fields=["person", "programme", "source"],
                condition=models.Q(person__isnull=False),
                name="participation_unique_person",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.person or self.household}"


class PersonPpks(models.Model):
    """A person recorded with a PPKS type."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="ppks",
                               verbose_name=_("individu"))
    ppks_type = models.ForeignKey(PpksType, models.PROTECT, related_name="people",
                                  verbose_name=_("jenis PPKS"))
    since = models.DateField(_("sejak"), null=True, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("PPKS individu")
        verbose_name_plural = _("PPKS individu")
        constraints = [models.UniqueConstraint(fields=["person", "ppks_type"],
                                               name="person_ppks_unique")]

    def __str__(self):
        return f"{self.person.name}: {self.ppks_type}"


class PreListProposal(models.Model):
    """A household that is not in the register, proposed for it (*usulan daftar awal*).

    Recorded at the desk or on a home visit with its basic profile; the Musyawarah Desa
    decides it later. A proposal does not make anyone a beneficiary by itself.
    """

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        READY = "siap", _("Siap dibahas di Musyawarah Desa")
        ELIGIBLE = "layak", _("Layak")
        NOT_ELIGIBLE = "tidak_layak", _("Tidak layak")
        EXPORTED = "diekspor", _("Diekspor untuk SIKS-NG")
        # The kabupaten's verification after the upload into SIKS-NG.
        ACCEPTED = "diterima", _("Diterima kabupaten (masuk register)")
        REFUSED = "ditolak_kab", _("Ditolak kabupaten")

    class Toilet(models.TextChoices):
        NONE = "tidak_ada", _("Tidak ada (sungai, kebun, lubang)")
        SHARED = "bersama", _("Bersama/umum")
        OWN = "sendiri", _("Milik sendiri")

    class CookingFuel(models.TextChoices):
        WOOD = "kayu", _("Kayu bakar/arang")
        KEROSENE = "minyak_tanah", _("Minyak tanah")
        LPG_3KG = "elpiji_3kg", _("Elpiji 3 kg")
        LPG_BIG = "elpiji_besar", _("Elpiji 5,5 kg atau lebih / listrik / gas kota")

    class Income(models.TextChoices):
        UNDER_500K = "lt500", _("Kurang dari Rp500.000 sebulan")
        TO_1M = "500-1jt", _("Rp500.000 – Rp1.000.000")
        TO_2M = "1-2jt", _("Rp1.000.000 – Rp2.000.000")
        OVER_2M = "gt2jt", _("Lebih dari Rp2.000.000")

    class Source(models.TextChoices):
        DESK = "loket", _("Kunjungan ke loket")
        FACILITATOR = "fasilitator", _("Kunjungan rumah Fasilitator")
        COMPLAINT = "pengaduan", _("Pengaduan")

    class Floor(models.TextChoices):
        EARTH = "tanah", _("Tanah")
        BAMBOO = "bambu", _("Bambu/kayu murah")
        CEMENT = "semen", _("Plester/semen")
        TILE = "keramik", _("Keramik/ubin")

    class Wall(models.TextChoices):
        BAMBOO = "bambu", _("Bambu/rumbia/kayu murah")
        UNPLASTERED = "tembok_kasar", _("Tembok tanpa plester")
        WOOD = "kayu", _("Kayu/papan")
        PLASTERED = "tembok", _("Tembok diplester")

    class Roof(models.TextChoices):
        THATCH = "ijuk", _("Ijuk/rumbia/daun")
        ZINC = "seng", _("Seng/asbes")
        TILE = "genteng", _("Genteng")
        CONCRETE = "beton", _("Beton")

    class Lighting(models.TextChoices):
        NONE = "bukan_listrik", _("Bukan listrik")
        SHARED = "listrik_numpang", _("Listrik menumpang/tanpa meteran")
        PLN_450 = "pln_450", _("PLN 450 VA")
        PLN_900 = "pln_900", _("PLN 900 VA")
        PLN_MORE = "pln_lebih", _("PLN lebih dari 900 VA")

    class Water(models.TextChoices):
        UNPROTECTED = "tak_terlindung", _("Sumur/mata air tidak terlindung, sungai, hujan")
        PROTECTED = "terlindung", _("Sumur/mata air terlindung")
        PIPED = "ledeng", _("Ledeng/PAM")
        BOTTLED = "kemasan", _("Air kemasan/isi ulang")

    class Ownership(models.TextChoices):
        OWN = "milik_sendiri", _("Milik sendiri")
        RENT = "sewa", _("Sewa/kontrak")
        FREE = "bebas_sewa", _("Bebas sewa/menumpang")
        OTHER = "lainnya", _("Lainnya")

    village = models.ForeignKey(Village, models.PROTECT, related_name="prelist_proposals",
                                verbose_name=_("desa/kelurahan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    source = models.CharField(_("sumber usulan"), max_length=12, choices=Source.choices,
                              default=Source.DESK)
    no_kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    address = models.CharField(_("alamat"), max_length=255)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    phone = models.CharField(_("telepon/WA"), max_length=30, blank=True)
    floor_area = models.PositiveSmallIntegerField(_("luas lantai (m²)"), null=True, blank=True)
    floor = models.CharField(_("jenis lantai"), max_length=12, choices=Floor.choices,
                             blank=True)
    wall = models.CharField(_("jenis dinding"), max_length=12, choices=Wall.choices,
                            blank=True)
    roof = models.CharField(_("jenis atap"), max_length=12, choices=Roof.choices, blank=True)
    lighting = models.CharField(_("penerangan"), max_length=16, choices=Lighting.choices,
                                blank=True)
    water = models.CharField(_("sumber air minum"), max_length=16, choices=Water.choices,
                             blank=True)
    ownership = models.CharField(_("status rumah"), max_length=16,
                                 choices=Ownership.choices, blank=True)
    housing_notes = models.TextField(_("catatan kondisi rumah"), blank=True)
    # The household's economy, as the field survey (verifikasi lapangan) asks it.
    toilet = models.CharField(_("fasilitas buang air besar"), max_length=12,
                              choices=Toilet.choices, blank=True)
    cooking_fuel = models.CharField(_("bahan bakar memasak"), max_length=14,
                                    choices=CookingFuel.choices, blank=True)
    income = models.CharField(_("penghasilan rumah tangga"), max_length=10,
                              choices=Income.choices, blank=True)
    assets = models.TextField(_("aset yang dimiliki"), blank=True,
                              help_text=_("Lahan, ternak, kendaraan, tabungan, emas…"))
    reason = models.TextField(_("alasan diusulkan"),
                              help_text=_("Mengapa keluarga ini dianggap layak masuk register."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("usulan daftar awal")
        verbose_name_plural = _("usulan daftar awal")
        ordering = ["-created_at"]

    def __str__(self):
        head = self.members.order_by("relation", "pk").first()
        return f"Usulan #{self.pk} — {head.name if head else self.address}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("proposal-detail", args=[self.pk])


class ProposalMember(models.Model):
    """A member of a proposed household."""

    proposal = models.ForeignKey(PreListProposal, models.CASCADE, related_name="members",
                                 verbose_name=_("usulan"))
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    relation = models.PositiveSmallIntegerField(_("hubungan keluarga"),
                                                choices=Relation.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Person.Sex.choices,
                           blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    disability = models.BooleanField(_("disabilitas"), default=False)

    class Meta:
        verbose_name = _("anggota usulan")
        verbose_name_plural = _("anggota usulan")
        ordering = ["relation", "pk"]

    def __str__(self):
        return self.name

    @property
    def nik_masked(self):
        return mask_nik(self.nik) if self.nik else ""


class VillageMeeting(models.Model):
    """A Musyawarah Desa that decides pre-list proposals; frozen once closed."""

    class Status(models.TextChoices):
        OPEN = "terbuka", _("Berlangsung")
        CLOSED = "ditutup", _("Ditutup")

    village = models.ForeignKey(Village, models.PROTECT, related_name="meetings",
                                verbose_name=_("desa/kelurahan"))
    date = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(_("pimpinan rapat"), max_length=150)
    participants = models.TextField(_("peserta"), blank=True,
                                    help_text=_("Satu nama (dan unsur) per baris."))
    notes = models.TextField(_("catatan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("ditutup oleh"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("musyawarah desa")
        verbose_name_plural = _("musyawarah desa")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Musyawarah Desa {self.village.name} {self.date:%d-%m-%Y}"


class MeetingDecision(models.Model):
    """One proposal on a meeting's agenda and what the meeting decided."""

    class Decision(models.TextChoices):
        ELIGIBLE = "layak", _("Layak")
        NOT_ELIGIBLE = "tidak_layak", _("Tidak layak")

    meeting = models.ForeignKey(VillageMeeting, models.PROTECT, related_name="decisions",
                                verbose_name=_("musyawarah"))
    # An agenda item is a pre-list proposal or a profile change, never both.
    proposal = models.ForeignKey(PreListProposal, models.PROTECT, related_name="decisions",
                                 null=True, blank=True, verbose_name=_("usulan"))
    change = models.ForeignKey("ProfileChange", models.PROTECT, related_name="decisions",
                               null=True, blank=True, verbose_name=_("perubahan data"))
    decision = models.CharField(_("keputusan"), max_length=12, choices=Decision.choices,
                                blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("dicatat oleh"))
    decided_at = models.DateTimeField(_("dicatat pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("keputusan musyawarah")
        verbose_name_plural = _("keputusan musyawarah")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "proposal"],
                                    name="meetingdecision_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "change"],
                                    name="meetingdecision_change_once_per_meeting"),
            models.CheckConstraint(
                condition=(models.Q(proposal__isnull=False, change__isnull=True)
                           | models.Q(proposal__isnull=True, change__isnull=False)),
                name="meetingdecision_proposal_or_change"),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.proposal or self.change}"

    @property
    def subject(self):
        return self.proposal or self.change


def upkeep_path(instance, filename):
    return f"register/{instance.village_code}/{uuid.uuid4().hex}{instance.extension}"


class ProposalEvent(models.Model):
    """The audit trail of a proposal: each change of state, by whom, when, why."""

    proposal = models.ForeignKey(PreListProposal, models.CASCADE, related_name="events",
                                 verbose_name=_("usulan"))
    status = models.CharField(_("status"), max_length=12,
                              choices=PreListProposal.Status.choices)
    note = models.TextField(_("catatan"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("oleh"))
    at = models.DateTimeField(_("pada"), default=timezone.now)

    class Meta:
        verbose_name = _("riwayat usulan")
        verbose_name_plural = _("riwayat usulan")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.proposal_id}: {self.status}"


class ProposalPhoto(models.Model):
    """Evidence for a proposal: a photo of the house or a document, checked by content
    like the desk's attachments; a phone photo's GPS position is kept."""

    proposal = models.ForeignKey(PreListProposal, models.CASCADE, related_name="photos",
                                 verbose_name=_("usulan"))
    file = models.FileField(_("file"), upload_to=upkeep_path)
    caption = models.CharField(_("keterangan"), max_length=150, blank=True)
    content_type = models.CharField(_("jenis isi"), max_length=50)
    extension = models.CharField(_("ekstensi"), max_length=8)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("bukti usulan")
        verbose_name_plural = _("bukti usulan")
        ordering = ["pk"]

    def __str__(self):
        return self.caption or f"Bukti #{self.pk}"

    @property
    def village_code(self):
        return self.proposal.village.code


class ProfileChange(models.Model):
    """A change to a household or person already in the register (*perubahan data*),
    recorded with its evidence and reporter. It never overwrites the imported row: it
    sits beside it until the Musyawarah Desa decides it and the next extract confirms
    it."""

    class Kind(models.TextChoices):
        MOVED = "pindah", _("Pindah")
        DIED = "meninggal", _("Meninggal dunia")
        NEW_MEMBER = "anggota_baru", _("Anggota baru (lahir/datang)")
        CORRECTION = "koreksi", _("Koreksi data")
        BETTER_OFF = "mampu", _("Sudah mampu / tidak miskin lagi")

    class Status(models.TextChoices):
        RECORDED = "dicatat", _("Dicatat, menunggu musyawarah")
        APPROVED = "disetujui", _("Disetujui musyawarah")
        REJECTED = "ditolak", _("Ditolak musyawarah")
        CONFIRMED = "terkonfirmasi", _("Terkonfirmasi ekstrak terbaru")

    village = models.ForeignKey(Village, models.PROTECT, related_name="profile_changes",
                                verbose_name=_("desa/kelurahan"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="changes",
                                  verbose_name=_("rumah tangga"))
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True,
                               related_name="changes", verbose_name=_("anggota"))
    kind = models.CharField(_("jenis perubahan"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices,
                              default=Status.RECORDED, db_index=True)
    event_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    # What the register should say instead: {"name": ..., "birth_date": "YYYY-MM-DD",
    # "address": ..., "nik": ..., "sex": ..., "relation": ..., "moved_to": ...}.
    details = models.JSONField(_("data baru"), default=dict, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    reporter = models.CharField(_("pelapor"), max_length=150)
    source = models.CharField(_("sumber"), max_length=12,
                              choices=PreListProposal.Source.choices,
                              default=PreListProposal.Source.DESK)
    evidence = models.FileField(_("bukti"), upload_to=upkeep_path, blank=True)
    content_type = models.CharField(_("jenis isi bukti"), max_length=50, blank=True)
    extension = models.CharField(_("ekstensi bukti"), max_length=8, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("perubahan data")
        verbose_name_plural = _("perubahan data")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        who = self.person.name if self.person_id else self.household.register_id
        return f"Perubahan #{self.pk} — {self.get_kind_display()}: {who}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("change-detail", args=[self.pk])

    @property
    def village_code(self):
        return self.village.code


class NeedRule(models.Model):
    """A simple, editable rule that suggests a programme need from the register: who
    (age range, disability, desil) should have which programme and does not."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama aturan"), max_length=150)
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="need_rules",
                                  verbose_name=_("program"))
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    disability_only = models.BooleanField(_("hanya penyandang disabilitas"), default=False)
    max_desil = models.PositiveSmallIntegerField(
        _("desil paling tinggi"), null=True, blank=True,
        help_text=_("Kosongkan untuk semua desil."))
    per_person = models.BooleanField(
        _("per orang"), default=True,
        help_text=_("Dicek per anggota (mis. PIP per anak); bila tidak, per rumah tangga."))
    active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        verbose_name = _("aturan saran kebutuhan")
        verbose_name_plural = _("aturan saran kebutuhan")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ProgrammeNeed(models.Model):
    """A programme a household (or one of its people) needs and does not get.

    Suggestions come from :class:`NeedRule` and are not stored until the officer
    confirms (*dikonfirmasi*) or dismisses (*ditolak*) them; a need recorded by hand is
    confirmed at once. Confirmed needs not met feed the dashboard's service gaps."""

    class Status(models.TextChoices):
        SUGGESTED = "saran", _("Saran")
        CONFIRMED = "dikonfirmasi", _("Dikonfirmasi, belum terpenuhi")
        DISMISSED = "ditolak", _("Tidak diperlukan")
        MET = "terpenuhi", _("Sudah terpenuhi")

    village = models.ForeignKey(Village, models.PROTECT, related_name="programme_needs",
                                verbose_name=_("desa/kelurahan"))
    household = models.ForeignKey(Household, models.CASCADE, related_name="needs",
                                  verbose_name=_("rumah tangga"))
    person = models.ForeignKey(Person, models.CASCADE, null=True, blank=True,
                               related_name="needs", verbose_name=_("anggota"))
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="needs",
                                  verbose_name=_("program"))
    rule = models.ForeignKey(NeedRule, models.SET_NULL, null=True, blank=True,
                             related_name="needs", verbose_name=_("aturan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.CONFIRMED, db_index=True)
    note = models.TextField(_("keterangan"), blank=True)
    source = models.CharField(_("sumber"), max_length=12,
                              choices=PreListProposal.Source.choices,
                              default=PreListProposal.Source.DESK)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("kebutuhan program")
        verbose_name_plural = _("kebutuhan program")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One record per household, person and programme: confirming, dismissing or
            # meeting a need changes that record.
            models.UniqueConstraint(fields=["person", "programme"],
                                    condition=models.Q(person__isnull=False),
                                    name="programmeneed_once_per_person"),
            models.UniqueConstraint(fields=["household", "programme"],
                                    condition=models.Q(person__isnull=True),
                                    name="programmeneed_once_per_household"),
        ]

    def __str__(self):
        who = self.person.name if self.person_id else self.household.register_id
        return f"{self.programme.short_name}: {who}"
