"""Complaints and referrals: the complaint workflow as a state machine
(registered → reviewed → handled | referred → closed) and the catalogues it uses."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from puskesos.models import Village


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


class Sector(models.Model):
    """The sector a complaint is about (kesehatan, pendidikan, …; catalogue data)."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("sektor")
        verbose_name_plural = _("sektor")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


# Tracking codes: no look-alike characters (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V).
TRACKING_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
TRACKING_LENGTH = 8  # 23^8 ≈ 7.8e10 codes


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class HandlingAction(models.TextChoices):
    VILLAGE_PROGRAMME = "program_desa", _("Program desa (mis. BLT Dana Desa)")
    ASSISTANCE = "bantuan", _("Bantuan/pendampingan langsung")
    INFORMATION = "informasi", _("Informasi/penjelasan diberikan")
    CSR = "mitra", _("Mitra/CSR")
    OTHER = "lainnya", _("Lainnya")


class InformChannel(models.TextChoices):
    DESK = "loket", _("Di loket Puskesos")
    PHONE = "telepon", _("Telepon")
    WHATSAPP = "whatsapp", _("WhatsApp")
    HOME_VISIT = "kunjungan_rumah", _("Kunjungan rumah (Fasilitator)")
    LETTER = "surat", _("Surat")


class Outcome(models.TextChoices):
    RESOLVED = "selesai", _("Terselesaikan")
    PARTLY = "sebagian", _("Terselesaikan sebagian")
    NOT_RESOLVED = "tidak_selesai", _("Tidak terselesaikan")
    WITHDRAWN = "dicabut", _("Dicabut oleh pelapor")
    DUPLICATE = "duplikat", _("Duplikat pengaduan lain")


class Complaint(ConcurrentTransitionMixin, models.Model):
    """A complaint, question or suggestion registered at the desk, and its workflow."""

    HandlingAction = HandlingAction
    InformChannel = InformChannel
    Outcome = Outcome

    class State(models.TextChoices):
        REGISTERED = "registered", _("Terdaftar")
        REVIEWED = "reviewed", _("Ditelaah")
        HANDLED = "handled", _("Ditangani di desa")
        REFERRED = "referred", _("Dirujuk")
        CLOSED = "closed", _("Selesai")

    class Category(models.TextChoices):
        PARTICIPATION = "kepesertaan", _("Kepesertaan")
        NON_PARTICIPATION = "non_kepesertaan", _("Non-kepesertaan")

    class Kind(models.TextChoices):
        QUESTION = "pertanyaan", _("Pertanyaan")
        SUGGESTION = "saran", _("Saran")
        COMPLAINT = "pengaduan", _("Pengaduan")

    village = models.ForeignKey(Village, models.PROTECT, related_name="complaints",
                                verbose_name=_("desa/kelurahan"))
    visit = models.OneToOneField("intake.Visit", models.PROTECT, related_name="complaint",
                                 verbose_name=_("kunjungan"))
    # Village code + YYYYMM + a sequence gapless per village and month.
    registration_number = models.CharField(_("nomor registrasi"), max_length=30, unique=True)
    period = models.CharField(_("periode (YYYYMM)"), max_length=6, editable=False)
    sequence = models.PositiveIntegerField(_("nomor urut"), editable=False)
    tracking_code = models.CharField(_("kode lacak"), max_length=12, unique=True,
                                     default=new_tracking_code, editable=False)
    state = FSMField(_("status"), default=State.REGISTERED, choices=State.choices,
                     protected=True, db_index=True)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices,
                            default=Kind.COMPLAINT)
    programme = models.ForeignKey("beneficiaries.Programme", models.PROTECT, null=True,
                                  blank=True, related_name="complaints",
                                  verbose_name=_("program"))
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="complaints",
                               verbose_name=_("sektor"))
    description = models.TextField(_("uraian"))
    respond_by = models.DateField(_("ditanggapi paling lambat"))
    # What the citizen may read on the public status page (no personal data).
    public_outcome = models.TextField(_("hasil yang diumumkan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True, db_index=True)

    # The back office's work (set only through referrals.services.transition).
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="assigned_complaints",
                                    verbose_name=_("petugas yang menangani"))
    review_notes = models.TextField(_("hasil telaah"), blank=True)
    reviewed_at = models.DateTimeField(_("ditelaah pada"), null=True, blank=True)
    handling_action = models.CharField(_("tindakan di desa"), max_length=20,
                                       choices=HandlingAction.choices, blank=True)
    handling_notes = models.TextField(_("uraian penanganan"), blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    informed_at = models.DateTimeField(_("warga diberi tahu pada"), null=True, blank=True)
    informed_via = models.CharField(_("diberi tahu melalui"), max_length=20,
                                    choices=InformChannel.choices, blank=True)
    informed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("diberi tahu oleh"))
    outcome = models.CharField(_("hasil akhir"), max_length=20, choices=Outcome.choices,
                               blank=True)
    duplicate_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                     related_name="duplicates",
                                     verbose_name=_("duplikat dari"))
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["village", "period", "sequence"],
                                    name="complaint_gapless_sequence"),
        ]
        permissions = [
            ("review_complaint", _("Menelaah pengaduan")),
            ("handle_complaint", _("Menangani pengaduan di desa")),
            ("refer_complaint", _("Merujuk pengaduan")),
            ("close_complaint", _("Menutup pengaduan")),
            ("assign_complaint", _("Menugaskan petugas")),
            ("inform_citizen", _("Mencatat pemberitahuan kepada warga")),
        ]

    def __str__(self):
        return self.registration_number

    def get_absolute_url(self):
        return reverse("complaint-detail", args=[self.pk])

    # -- conditions ------------------------------------------------------------------

    def has_approved_referral(self):
        return self.referrals.filter(approval=Referral.Approval.APPROVED).exists()

    def has_rejected_referral(self):
        """The agency turned the last referral down: a new decision is due."""
        last = self.referrals.order_by("-pk").first()
        return last is not None and last.response == Referral.Response.REJECTED

    def has_handling(self):
        return bool(self.handling_action and self.handling_notes.strip())

    def is_closable(self):
        return bool(self.outcome and self.informed_at and self.public_outcome.strip())

    # -- transitions (only referrals.services.transition calls these) ---------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REGISTERED, target=State.REVIEWED,
                permission="referrals.review_complaint",
                custom={"label": _("Selesai ditelaah"), "note_required": True})
    def review(self, by=None, description=None):
        """Analysed: the notes say what the complaint is about and what is needed."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REVIEWED, target=State.HANDLED,
                permission="referrals.handle_complaint", conditions=[has_handling],
                custom={"label": _("Ditangani di desa"), "note_required": False})
    def handle(self, by=None, description=None):
        """Solved within the village (village programme, assistance, information)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REVIEWED, target=State.REFERRED,
                permission="referrals.refer_complaint", conditions=[has_approved_referral],
                custom={"label": _("Dirujuk"), "note_required": False})
    def refer(self, by=None, description=None):
        """Sent on with an approved referral."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.REFERRED, target=State.REVIEWED,
                permission="referrals.review_complaint", conditions=[has_rejected_referral],
                custom={"label": _("Telaah ulang (rujukan ditolak)"), "note_required": True})
    def reconsider(self, by=None, description=None):
        """The agency rejected the referral: back to review for a new decision."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.HANDLED, State.REFERRED], target=State.CLOSED,
                permission="referrals.close_complaint", conditions=[is_closable],
                custom={"label": _("Tutup pengaduan"), "note_required": False})
    def close(self, by=None, description=None):
        """Finished: outcome recorded and the citizen informed."""


class Referral(models.Model):
    """One referral of a complaint to an agency: approval, letter, sending, response."""

    class Approval(models.TextChoices):
        PENDING = "menunggu", _("Menunggu persetujuan")
        APPROVED = "disetujui", _("Disetujui")
        DECLINED = "ditolak", _("Tidak disetujui")

    class Response(models.TextChoices):
        ACCEPTED = "diterima", _("Diterima")
        REJECTED = "ditolak", _("Ditolak")
        REVIEWING = "ditelaah", _("Ditelaah lebih lanjut")

    class SendChannel(models.TextChoices):
        HAND = "langsung", _("Diantar langsung")
        EMAIL = "surel", _("Surel")
        POST = "pos", _("Pos")
        APP = "aplikasi", _("Aplikasi SIKS-NG/SLRT")
        WHATSAPP = "whatsapp", _("WhatsApp")

    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="referrals",
                                  verbose_name=_("pengaduan"))
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="referrals",
                               verbose_name=_("instansi tujuan"))
    reason = models.TextField(_("alasan dan permintaan"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("diusulkan oleh"))
    created_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    approval = models.CharField(_("persetujuan"), max_length=12, choices=Approval.choices,
                                default=Approval.PENDING, db_index=True)
    # Referrals going to the kabupaten also need the kecamatan Supervisor's approval,
    # where the kecamatan has one; the Koordinator approves first.
    needs_supervisor = models.BooleanField(_("perlu persetujuan Supervisor"), default=False)
    coordinator_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("disetujui Koordinator"))
    coordinator_at = models.DateTimeField(_("disetujui Koordinator pada"), null=True,
                                          blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("disetujui oleh"))
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    approval_note = models.TextField(_("catatan persetujuan"), blank=True)
    letter_number = models.CharField(_("nomor surat"), max_length=60, blank=True)
    letter_sequence = models.PositiveIntegerField(_("nomor urut surat"), null=True,
                                                  blank=True, editable=False)
    sent_at = models.DateField(_("tanggal dikirim"), null=True, blank=True)
    sent_via = models.CharField(_("dikirim melalui"), max_length=12,
                                choices=SendChannel.choices, blank=True)
    respond_by = models.DateField(_("tanggapan paling lambat"), null=True, blank=True)
    response = models.CharField(_("tanggapan instansi"), max_length=12,
                                choices=Response.choices, blank=True)
    response_date = models.DateField(_("tanggal tanggapan"), null=True, blank=True)
    response_notes = models.TextField(_("isi tanggapan"), blank=True)

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["pk"]
        permissions = [
            ("approve_referral", _("Menyetujui rujukan (Koordinator)")),
            ("approve_referral_supervisor", _("Menyetujui rujukan ke kabupaten (Supervisor)")),
        ]

    def __str__(self):
        return f"{self.complaint} → {self.agency}"

    @property
    def awaits_supervisor(self):
        return (self.approval == self.Approval.PENDING and self.needs_supervisor
                and self.coordinator_at is not None)

    @property
    def is_overdue(self):
        from django.utils import timezone

        return bool(self.respond_by and not self.response
                    and self.respond_by < timezone.localdate())


class ComplaintEvent(models.Model):
    """Something done on a complaint that is not a state change (those are in
    django-fsm-log's StateLog): assignment, correction, referral steps, informing."""

    class Kind(models.TextChoices):
        ASSIGNED = "ditugaskan", _("Ditugaskan")
        CORRECTED = "dikoreksi", _("Dikoreksi")
        NOTE = "catatan", _("Catatan")
        REFERRAL_PROPOSED = "rujukan_diusulkan", _("Rujukan diusulkan")
        REFERRAL_APPROVED = "rujukan_disetujui", _("Rujukan disetujui")
        REFERRAL_DECLINED = "rujukan_tidak_disetujui", _("Rujukan tidak disetujui")
        REFERRAL_SENT = "rujukan_dikirim", _("Rujukan dikirim")
        REFERRAL_RESPONSE = "tanggapan_rujukan", _("Tanggapan instansi")
        INFORMED = "warga_diberi_tahu", _("Warga diberi tahu")

    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="events",
                                  verbose_name=_("pengaduan"))
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    text = models.TextField(_("keterangan"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name=_("oleh"))
    created_at = models.DateTimeField(_("pada"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("catatan pengaduan")
        verbose_name_plural = _("catatan pengaduan")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.complaint}: {self.get_kind_display()}"


class DeadlineRule(models.Model):
    """How many working days the back office has, per complaint category."""

    category = models.CharField(_("kategori"), max_length=20, choices=Complaint.Category.choices,
                                unique=True)
    review_days = models.PositiveSmallIntegerField(_("telaah (hari kerja)"), default=3)
    decision_days = models.PositiveSmallIntegerField(_("keputusan (hari kerja)"), default=14)
    referral_response_days = models.PositiveSmallIntegerField(
        _("tanggapan rujukan (hari kerja)"), default=14)

    class Meta:
        verbose_name = _("batas waktu layanan")
        verbose_name_plural = _("batas waktu layanan")

    def __str__(self):
        return self.get_category_display()


class DayOff(models.Model):
    """A local day off (cuti bersama, a village event) besides the national holidays."""

    date = models.DateField(_("tanggal"), unique=True)
    description = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        verbose_name = _("hari libur lokal")
        verbose_name_plural = _("hari libur lokal")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.description}"
