"""Forms of the referral steps: propose, decide, record sending, record the response.

They check what the input is (a date, a choice); the workflow rules (dates against the
sent date, notes required when declining or rejected) live in referrals.services,
whose WorkflowError the views put next to the field it names.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, Complaint, Referral


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes, and a red outline on the fields with an error."""
    errors = form._errors or {}  # never trigger validation from here
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if name in errors:
            css += " is-invalid"
        widget.attrs["class"] = css


class ReferralFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def full_clean(self):
        super().full_clean()
        _style(self)

    def add_error(self, field, error):
        super().add_error(field, error)
        _style(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ReferralProposeForm(ReferralFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Instansi tujuan"), queryset=Agency.objects.none(),
        empty_label=_("— pilih instansi —"),
        error_messages={"required": _("Pilih instansi tujuan rujukan.")},
    )
    reason = forms.CharField(
        label=_("Alasan dan permintaan rujukan"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Apa yang diminta dari instansi; teks ini tercantum di surat rujukan."),
        error_messages={"required": _("Tulis alasan dan permintaan rujukan.")},
    )
    # The complaint's state when the form was shown: a stale form is refused.
    expected_state = forms.ChoiceField(choices=Complaint.State.choices,
                                       widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")


class ReferralDecisionForm(ReferralFormMixin, forms.Form):
    APPROVE, DECLINE = "setujui", "tolak"

    decision = forms.ChoiceField(
        label=_("Keputusan"), widget=forms.RadioSelect,
        choices=[(APPROVE, _("Setujui")), (DECLINE, _("Tidak disetujui"))],
        error_messages={"required": _("Pilih setujui atau tidak disetujui.")},
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib bila rujukan tidak disetujui."),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ReferralSendForm(ReferralFormMixin, forms.Form):
    sent_at = forms.DateField(label=_("Tanggal dikirim"), widget=DateInput,
                              error_messages={"required": _("Isi tanggal rujukan dikirim.")})
    sent_via = forms.ChoiceField(
        label=_("Dikirim melalui"), choices=Referral.SendChannel.choices,
        error_messages={"required": _("Pilih cara pengiriman.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"sent_at": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].widget.attrs["max"] = timezone.localdate().isoformat()


class ReferralResponseForm(ReferralFormMixin, forms.Form):
    response = forms.ChoiceField(
        label=_("Tanggapan instansi"), choices=Referral.Response.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih tanggapan instansi.")},
    )
    response_date = forms.DateField(
        label=_("Tanggal tanggapan"), widget=DateInput,
        error_messages={"required": _("Isi tanggal tanggapan.")},
    )
    notes = forms.CharField(
        label=_("Isi tanggapan"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wajib bila instansi menolak: tulis alasannya."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        kwargs.setdefault("initial", {"response_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        attrs = self.fields["response_date"].widget.attrs
        attrs["max"] = timezone.localdate().isoformat()
        if referral.sent_at:
            attrs["min"] = referral.sent_at.isoformat()
