"""Forms of the report pages: choosing a period, the narrative, signing, area reports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.attachments import AttachmentField

from .periods import KIND_LABELS, MONTHLY, SPAN, Period, check_not_future

KIND_CHOICES = [(kind, label) for kind, label in KIND_LABELS.items()]


class PeriodForm(forms.Form):
    """A period as kind + year + number (month 1–12, quarter 1–4, semester 1–2)."""

    kind = forms.ChoiceField(label=_("Jenis laporan"), choices=KIND_CHOICES, initial=MONTHLY)
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2999)
    number = forms.IntegerField(
        label=_("Bulan/triwulan/semester"), min_value=1, max_value=12, required=False,
        help_text=_("Bulan 1–12, triwulan 1–4, semester 1–2; kosongkan untuk laporan tahunan."))

    def clean(self):
        data = super().clean()
        kind, year = data.get("kind"), data.get("year")
        if kind is None or year is None:
            return data
        number = 1 if kind == "yearly" else data.get("number")
        if number is None:
            raise ValidationError({"number": _("Isi nomor bulan, triwulan, atau semester.")})
        if not 1 <= number <= 12 // SPAN[kind]:
            raise ValidationError({"number": _("Untuk laporan %(kind)s isi 1 sampai %(max)d.")
                                   % {"kind": KIND_LABELS[kind].lower(),
                                      "max": 12 // SPAN[kind]}})
        period = Period(year, kind, number)
        check_not_future(period)
        data["period"] = period
        return data

    @classmethod
    def initial_for_today(cls):
        previous = Period.containing(timezone.localdate()).previous()
        return {"kind": MONTHLY, "year": previous.year, "number": previous.number}


class VillagePeriodForm(PeriodForm):
    """Period plus the village (for the Supervisor and the Manajer)."""

    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=None,
                                     empty_label=None)
    field_order = ["village", "kind", "year", "number"]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class NarrativeForm(forms.Form):
    notes = forms.CharField(label=_("Catatan kegiatan"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    obstacles = forms.CharField(label=_("Kendala"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    plans = forms.CharField(label=_("Rencana tindak lanjut"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(forms.Form):
    scan = AttachmentField(
        label=_("Pindaian laporan bertanda tangan (opsional)"), required=False,
        help_text=_("PDF atau foto (JPEG/PNG), paling besar 5 MB; diperiksa menurut isinya."))


class AreaReportForm(PeriodForm):
    """Which area: a kecamatan of the user's area, or the whole kabupaten (Manajer)."""

    area = forms.ChoiceField(label=_("Wilayah"), error_messages={
        "invalid_choice": _("Pilih wilayah dari daftar.")})
    field_order = ["area", "kind", "year", "number"]

    def __init__(self, *args, districts, regencies, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"kab:{r.pk}", str(r)) for r in regencies]
        choices += [(f"kec:{d.pk}", f"Kecamatan {d.name}") for d in districts]
        self.fields["area"].choices = choices
        self._districts = {d.pk: d for d in districts}
        self._regencies = {r.pk: r for r in regencies}

    def clean_area(self):
        value = self.cleaned_data["area"]
        kind, _sep, pk = value.partition(":")
        try:
            pk = int(pk)
        except ValueError:
            raise ValidationError(_("Pilih wilayah dari daftar.")) from None
        if kind == "kab" and pk in self._regencies:
            return {"regency": self._regencies[pk]}
        if kind == "kec" and pk in self._districts:
            return {"district": self._districts[pk]}
        raise ValidationError(_("Pilih wilayah dari daftar."))
