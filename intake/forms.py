"""The desk's registration form: who came, about whom, why; the complaint and its
documents. Field order follows how a clerk types: NIK first, then the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import IdentityError, parse_kk, parse_nik
from beneficiaries.models import Person, Programme
from referrals.models import Complaint, Sector

from .attachments import AttachmentField
from .models import Attachment, QueueTicket, Visit

ATTACHMENT_FIELDS = {
    "attachment_ktp": Attachment.Kind.KTP,
    "attachment_kk": Attachment.Kind.KK,
    "attachment_house": Attachment.Kind.HOUSE_PHOTO,
    "attachment_other": Attachment.Kind.OTHER,
}


class VisitForm(forms.ModelForm):
    """The visit with its subject and reporter; for a complaint, the complaint too."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # The complaint (required when the purpose is a complaint).
    category = forms.ChoiceField(label=_("Kategori"), required=False,
                                 choices=[("", "—"), *Complaint.Category.choices])
    kind = forms.ChoiceField(label=_("Jenis"), required=False, initial=Complaint.Kind.COMPLAINT,
                             choices=Complaint.Kind.choices)
    programme = forms.ModelChoiceField(label=_("Program"), required=False,
                                       queryset=Programme.objects.filter(active=True),
                                       empty_label=_("— tidak terkait program tertentu —"))
    sector = forms.ModelChoiceField(label=_("Sektor"), required=False,
                                    queryset=Sector.objects.filter(active=True),
                                    empty_label="—")
    description = forms.CharField(label=_("Uraian pengaduan"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    attachment_ktp = AttachmentField(label=_("KTP"), required=False)
    attachment_kk = AttachmentField(label=_("Kartu Keluarga"), required=False)
    attachment_house = AttachmentField(label=_("Foto rumah"), required=False,
                                       help_text=_("Lokasi GPS di foto dicatat sebagai "
                                                   "koordinat rumah."))
    attachment_other = AttachmentField(label=_("Dokumen lain"), required=False)

    class Meta:
        model = Visit
        fields = [
            "queue_ticket", "channel", "nik", "name", "no_kk", "phone", "address", "dusun",
            "rt", "rw", "reporter_relation", "reporter_name", "reporter_nik",
            "reporter_phone", "purpose", "notes",
        ]
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                          "autofocus": True, "maxlength": 24}),
            "no_kk": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                            "maxlength": 24}),
            "reporter_nik": forms.TextInput(attrs={"inputmode": "numeric",
                                                   "autocomplete": "off", "maxlength": 24}),
            "rt": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 3}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "reporter_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.RadioSelect,
        }
        labels = {"name": _("Nama (sesuai KTP)")}

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.village = village
        self.person = None
        self.fields["queue_ticket"].queryset = QueueTicket.objects.filter(
            village=village, visit__isnull=True,
            status__in=[QueueTicket.Status.WAITING, QueueTicket.Status.CALLED],
        ).order_by("number")
        self.fields["queue_ticket"].label_from_instance = (
            lambda ticket: f"{ticket.code} ({ticket.get_status_display()})"
        )
        self.fields["queue_ticket"].empty_label = _("— tanpa nomor antrian —")
        self.fields["purpose"].choices = Visit.Purpose.choices  # no empty radio
        self.fields["purpose"].initial = Visit.Purpose.COMPLAINT
        self.fields["nik"].help_text = _("Ketik NIK, nomor KK, atau nama: register dicek "
                                         "langsung.")

    # -- identity ---------------------------------------------------------------------

    def _identity(self, field, parse):
        value = self.cleaned_data.get(field, "")
        if not value:
            return ""
        try:
            return parse(value) if parse is parse_kk else parse(value).nik
        except IdentityError as err:
            raise forms.ValidationError(err.message, code=err.code) from err

    def clean_nik(self):
        return self._identity("nik", parse_nik)

    def clean_no_kk(self):
        return self._identity("no_kk", parse_kk)

    def clean_reporter_nik(self):
        return self._identity("reporter_nik", parse_nik)

    def clean(self):
        data = super().clean()
        self._match_register(data)
        purpose = data.get("purpose")
        if purpose == Visit.Purpose.COMPLAINT:
            for field in ("category", "sector", "description"):
                if not data.get(field):
                    self.add_error(field, _("Wajib diisi untuk pengaduan."))
        if data.get("reporter_relation") not in (None, "", Visit.Relation.SELF):
            if not data.get("reporter_name"):
                self.add_error("reporter_name",
                               _("Isi nama pelapor bila yang datang bukan yang bersangkutan."))
        return data

    def _match_register(self, data):
        """Link the visit to the register: by the NIK typed, or by the hit chosen."""
        nik = data.get("nik")
        person = None
        if nik:
            person = Person.objects.select_related("village", "household").filter(nik=nik).first()
        elif data.get("person_id"):
            person = Person.objects.select_related("village", "household").filter(
                pk=data["person_id"]).first()
        if person is None:
            return
        if person.village_id != self.village.pk:
            self.add_error("nik", _(
                "NIK ini terdaftar di register %(village)s, bukan desa Anda. Layani melalui "
                "Puskesos desa tersebut, atau periksa kembali NIK-nya."
            ) % {"village": person.village})
            return
        self.person = person

    # -- what the service needs -------------------------------------------------------

    def visit_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields
                if name in self.cleaned_data}
        if self.person is not None:
            data.update(person=self.person, household=self.person.household, in_register=True)
        return data

    def complaint_data(self) -> dict | None:
        if self.cleaned_data.get("purpose") != Visit.Purpose.COMPLAINT:
            return None
        return {name: self.cleaned_data[name]
                for name in ("category", "kind", "programme", "sector", "description")}

    def attachments(self) -> list:
        return [(kind, self.cleaned_data[field]) for field, kind in ATTACHMENT_FIELDS.items()
                if self.cleaned_data.get(field)]
