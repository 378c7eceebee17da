"""Forms of the back office's complaint pages. They check types and choices; the
workflow's rules (a note is required, a duplicate names its original, …) are the
services' and come back as their messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Programme
from intake.models import Visit

from .models import Complaint, Sector
from .selectors import ALL, UNASSIGNED, Age

State = Complaint.State


def _blank(label):
    return [("", label)]


class QueueFilterForm(forms.Form):
    """The triage queue's tab, filters and search (GET parameters)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Belum selesai")), *State.choices, (ALL, _("Semua"))])
    kategori = forms.ChoiceField(label=_("Kategori"), required=False,
                                 choices=_blank(_("Semua kategori")) + Complaint.Category.choices)
    program = forms.ModelChoiceField(label=_("Program"), required=False,
                                     queryset=Programme.objects.filter(active=True),
                                     empty_label=_("Semua program"))
    sektor = forms.ModelChoiceField(label=_("Sektor"), required=False,
                                    queryset=Sector.objects.filter(active=True),
                                    empty_label=_("Semua sektor"))
    dusun = forms.ChoiceField(label=_("Dusun"), required=False)
    saluran = forms.ChoiceField(label=_("Saluran"), required=False,
                                choices=_blank(_("Semua saluran")) + Visit.Channel.choices)
    petugas = forms.ChoiceField(label=_("Petugas"), required=False)
    umur = forms.ChoiceField(label=_("Batas waktu"), required=False,
                             choices=_blank(_("Semua")) + Age.CHOICES)
    q = forms.CharField(label=_("Cari nomor atau nama"), required=False, max_length=100)

    def __init__(self, *args, officers, dusun_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dusun"].choices = _blank(_("Semua dusun")) + [(d, d) for d in dusun_names]
        self.fields["petugas"].choices = [
            ("", _("Semua petugas")), (UNASSIGNED, _("Belum ditugaskan")),
            *[(str(u.pk), u.get_full_name() or u.username) for u in officers]]

    def filters(self) -> dict:
        """Keyword arguments for selectors.filter_complaints."""
        data = self.cleaned_data
        return {"category": data["kategori"], "programme": data["program"],
                "sector": data["sektor"], "dusun": data["dusun"], "channel": data["saluran"],
                "officer": data["petugas"], "age": data["umur"], "q": data["q"]}


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets (the templates render fields one by one)."""

    def __init__(self, *args, **kwargs):
        # Several forms share a page: ids unique per form ("reviewform-note").
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StepForm(StyledForm):
    """A workflow step on the complaint page. ``expected_state`` is the state the page
    showed: if someone else moved the complaint meanwhile the service refuses."""

    expected_state = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, complaint, **kwargs):
        self.complaint = complaint
        kwargs.setdefault("initial", {}).setdefault("expected_state", complaint.state)
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        """The complaint fields this step sets, for services.transition."""
        return {}

    def note(self) -> str:
        return self.cleaned_data.get("note", "")

    def expected(self) -> str | None:
        return self.cleaned_data.get("expected_state") or None


def _note(label, required, help_text=""):
    # Required-ness is the workflow's rule (services.transition says it); the
    # attribute only lets the browser say it first.
    attrs = {"rows": 3}
    if required:
        attrs["required"] = True
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs=attrs))


class ReviewForm(StepForm):
    note = _note(_("Hasil telaah"), True,
                 _("Apa masalahnya, apa yang sudah dicek, apa yang diperlukan."))


class HandleForm(StepForm):
    handling_action = forms.ChoiceField(
        label=_("Tindakan di desa"), required=False,
        choices=_blank("—") + Complaint.HandlingAction.choices,
        widget=forms.Select(attrs={"required": True}))
    handling_notes = _note(_("Uraian penanganan"), True,
                           _("Apa yang dilakukan dan hasilnya."))
    note = _note(_("Catatan (opsional)"), False)

    def changes(self):
        return {"handling_action": self.cleaned_data["handling_action"],
                "handling_notes": self.cleaned_data["handling_notes"]}


class ReferForm(StepForm):
    note = _note(_("Catatan (opsional)"), False)


class ReconsiderForm(StepForm):
    note = _note(_("Alasan telaah ulang"), True,
                 _("Mengapa instansi menolak dan apa langkah berikutnya."))


class CloseForm(StepForm):
    outcome = forms.ChoiceField(label=_("Hasil akhir"), required=False,
                                choices=_blank("—") + Complaint.Outcome.choices,
                                widget=forms.Select(attrs={"required": True}))
    public_outcome = _note(
        _("Hasil untuk warga"), True,
        _("Ditampilkan di halaman status publik yang dibuka warga dengan nomor dan kode "
          "lacak. Jangan tulis nama, NIK, alamat, atau data pribadi lain."))
    duplicate_of = forms.ModelChoiceField(
        label=_("Duplikat dari"), required=False, queryset=Complaint.objects.none(),
        help_text=_("Hanya bila hasil akhir «Duplikat pengaduan lain»: pengaduan aslinya."))
    note = _note(_("Catatan (opsional)"), False)

    # How many of the village's complaints the select offers (the newest); any of the
    # village's complaints is accepted when posted.
    CHOICES_SHOWN = 200

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, complaint=complaint, **kwargs)
        others = Complaint.objects.filter(village_id=complaint.village_id).exclude(
            pk=complaint.pk).select_related("visit")
        field = self.fields["duplicate_of"]
        field.queryset = others
        field.label_from_instance = lambda c: f"{c.registration_number} — {c.visit.name}"
        shown = list(others.order_by("-created_at")[:self.CHOICES_SHOWN])
        chosen = str(self.data.get(self.add_prefix("duplicate_of"), "")) if self.is_bound else ""
        if chosen.isdigit() and all(str(c.pk) != chosen for c in shown):
            shown += list(others.filter(pk=chosen))
        field.widget.choices = [("", "—")] + [(c.pk, field.label_from_instance(c))
                                              for c in shown]

    def changes(self):
        data = self.cleaned_data
        return {"outcome": data["outcome"], "public_outcome": data["public_outcome"],
                "duplicate_of": data["duplicate_of"]}


TRANSITION_FORMS = {
    "review": ReviewForm,
    "handle": HandleForm,
    "refer": ReferForm,
    "reconsider": ReconsiderForm,
    "close": CloseForm,
}


class CorrectForm(StepForm):
    """Correct category, programme or sector while reviewing (logged with the reason)."""

    category = forms.ChoiceField(label=_("Kategori"), choices=Complaint.Category.choices)
    programme = forms.ModelChoiceField(label=_("Program"), required=False,
                                       queryset=Programme.objects.filter(active=True),
                                       empty_label="—")
    sector = forms.ModelChoiceField(label=_("Sektor"), queryset=Sector.objects.filter(
        active=True))
    note = _note(_("Alasan koreksi"), True)

    def __init__(self, *args, complaint, **kwargs):
        kwargs.setdefault("initial", {}).update({
            "category": complaint.category, "programme": complaint.programme_id,
            "sector": complaint.sector_id})
        super().__init__(*args, complaint=complaint, **kwargs)

    def changes(self):
        data = self.cleaned_data
        return {"category": data["category"], "programme": data["programme"],
                "sector": data["sector"]}


class InformForm(StepForm):
    via = forms.ChoiceField(label=_("Melalui"), choices=Complaint.InformChannel.choices)
    note = _note(_("Yang disampaikan (opsional)"), False)


class AssignForm(StyledForm):
    officer = forms.ModelChoiceField(label=_("Petugas"), queryset=None,
                                     empty_label=_("— pilih petugas —"))

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = (
            lambda user: user.get_full_name() or user.username)
