"""The pre-list proposal form: the household (a ModelForm) and its members (an inline
formset). Field checks use beneficiaries.identity; the rules across members are
beneficiaries.proposal_services.check_proposal_members, the same the service applies."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .identity import IdentityError, parse_kk, parse_nik
from .models import PreListProposal, ProposalMember
from .proposal_services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Problem, check_proposal_members

MEMBER_PREFIX = "anggota"


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
            choices = list(getattr(field, "choices", ()))
            if choices and choices[0][0] == "":
                field.choices = [("", _("— pilih —")), *choices[1:]]
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


def mark_invalid(form: forms.BaseForm) -> None:
    """Give the fields with an error Bootstrap's red outline."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ProposalForm(forms.ModelForm):
    """The household: address, KK, contact, housing condition, and why it is proposed."""

    # Without max_length: a pasted NIK/KK with spaces or an Excel number must reach
    # the identity rules, which say what is wrong with it.
    no_kk = forms.CharField(label=_("Nomor KK"), required=False,
                            help_text=_("16 digit, bila keluarga sudah punya Kartu Keluarga."))

    class Meta:
        model = PreListProposal
        fields = HOUSEHOLD_FIELDS
        widgets = {
            "housing_notes": forms.Textarea(attrs={"rows": 2}),
            "assets": forms.Textarea(attrs={"rows": 2}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["no_kk"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["floor_area"].widget.attrs.update(min="1", inputmode="numeric")
        for name in ("rt", "rw"):
            self.fields[name].widget.attrs.update(inputmode="numeric")

    def clean_no_kk(self):
        value = self.cleaned_data["no_kk"]
        if not value.strip():
            return ""
        try:
            return parse_kk(value)
        except IdentityError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class ProposalMemberForm(forms.ModelForm):
    nik = forms.CharField(label=_("NIK"), required=False)

    class Meta:
        model = ProposalMember
        fields = MEMBER_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["nik"].widget.attrs.update(inputmode="numeric", autocomplete="off",
                                               **{"class": "form-control nik nik-input"})
        self.fields["name"].widget.attrs["class"] = "form-control name-input"
        self.fields["relation"].widget.attrs["class"] = "form-select relation-input"

    def clean_nik(self):
        value = self.cleaned_data["nik"]
        if not value.strip():
            return ""
        try:
            return parse_nik(value).nik
        except IdentityError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class BaseProposalMemberFormSet(BaseInlineFormSet):
    """The members; the rules across them come from the service."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Hapus")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def member_forms(self) -> list[forms.ModelForm]:
        """The rows that are members: not ticked for removal, not left empty."""
        return [
            form for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk is not None or form.has_changed())
        ]

    def members(self) -> list[dict]:
        """The members as the service takes them (after a successful validation)."""
        result = []
        for form in self.member_forms():
            member = {name: form.cleaned_data.get(name) for name in MEMBER_FIELDS}
            if form.instance.pk is not None:
                member["id"] = form.instance.pk
            result.append(member)
        return result

    def clean(self):
        super().clean()
        rows = self.member_forms()
        members = [{name: form.cleaned_data.get(name) for name in ("nik", "relation", "name")}
                   for form in rows]
        proposal = self.instance if self.instance.pk else None
        general = self.add_problems(check_proposal_members(members, proposal=proposal), rows)
        if general:
            raise forms.ValidationError(general)

    def add_problems(self, problems: list[Problem], rows=None) -> list[str]:
        """Put each member's problem next to its field; return the others."""
        rows = self.member_forms() if rows is None else rows
        general = []
        for problem in problems:
            if problem.member is None:
                general.append(problem.message)
                continue
            form = rows[problem.member]
            # A field that already says what is wrong (an invalid NIK) needs no more.
            if problem.field not in form.errors:
                form.add_error(problem.field, problem.message)
        return general


_MemberFormSet = inlineformset_factory(
    PreListProposal, ProposalMember, form=ProposalMemberForm,
    formset=BaseProposalMemberFormSet, fields=MEMBER_FIELDS, extra=0, can_delete=True,
)


def member_formset(data=None, *, instance=None, initial=None, extra=1):
    """The members' formset with ``extra`` empty rows (when not bound)."""
    formset = _MemberFormSet(data, instance=instance or PreListProposal(), initial=initial,
                             prefix=MEMBER_PREFIX)
    formset.extra = max(extra, len(initial or ()))
    return formset


def with_one_more_row(data):
    """The submitted data with one more (empty) member row: the "Tambah anggota" button."""
    data = data.copy()
    key = f"{MEMBER_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(total + 1)
    return data
