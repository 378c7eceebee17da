from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Village
from .services import VILLAGE_PROFILE_FIELDS

LOGO_MAX_BYTES = 2 * 1024 * 1024


class LoginForm(AuthenticationForm):
    """Django's login form with the clerk's wording."""

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa kembali; huruf besar dan kecil "
            "dibedakan. Setelah beberapa kali gagal, akun dikunci sementara."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi Manajer SLRT kabupaten."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["username"].widget.attrs.update({"autofocus": True, "class": "form-control"})
        self.fields["password"].label = _("Kata sandi")
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class VillageProfileForm(forms.ModelForm):
    class Meta:
        model = Village
        fields = VILLAGE_PROFILE_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # ImageField has already opened the file with Pillow, so it is a real image.
        if logo and hasattr(logo, "image"):
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(_("Ukuran logo paling besar 2 MB."))
            if logo.image.format not in ("PNG", "JPEG"):
                raise forms.ValidationError(_("Logo harus berupa gambar PNG atau JPG."))
        return logo
